/* The page after a report is filed: copy the tracking number and the query code, or save both as a
   picture, so nobody has to write them down by hand (the code is shown only once).
   Copy uses the clipboard where the browser offers it and otherwise selects the text for a long press.
   The picture is drawn on a canvas from the page's own text (textContent), never from markup, and
   handed over as a data: URL: nothing secret goes back to the server or into a URL it would log.
   It is shown on the page, because pressing and holding a picture to save it works on every phone,
   with a download link beside it for the rest. */
(function () {
  "use strict";
  var box = document.getElementById("save-codes");
  if (!box) { return; }
  var texts = box.dataset;

  function textOf(id) {
    var el = document.getElementById(id);
    return el ? el.textContent.trim() : "";
  }

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyByHand(el) {
    // Older browsers and pages outside a secure context have no clipboard API.
    selectText(el);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var value = document.getElementById(button.dataset.copy);
    var status = button.nextElementSibling;
    if (!value || !status) { return; }
    button.hidden = false;
    function say(text) { status.textContent = text; }
    button.addEventListener("click", function () {
      var text = value.textContent.trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { say(texts.msgCopied); },
          function () { say(copyByHand(value) ? texts.msgCopied : texts.msgSelected); }
        );
      } else {
        say(copyByHand(value) ? texts.msgCopied : texts.msgSelected);
      }
    });
  });

  function picture() {
    // [text, font, colour, space below]: each label sits close above its value.
    var lines = [
      [texts.title, "bold 34px sans-serif", "#1a1a1a", 70],
      [textOf("tracking-number-label"), "28px sans-serif", "#555555", 40],
      [textOf("tracking-number"), "bold 46px sans-serif", "#1a1a1a", 80],
      [textOf("query-code-label"), "28px sans-serif", "#555555", 40],
      [textOf("query-code"), "bold 46px sans-serif", "#1a1a1a", 80],
      [texts.trackUrl, "24px sans-serif", "#555555", 40]
    ];
    var canvas = document.createElement("canvas");
    canvas.width = 720;
    canvas.height = lines.reduce(function (sum, line) { return sum + line[3]; }, 80);
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.textBaseline = "top";
    var y = 40;
    lines.forEach(function (line) {
      ctx.font = line[1];
      ctx.fillStyle = line[2];
      ctx.fillText(line[0], 40, y, canvas.width - 80);
      y += line[3];
    });
    return canvas.toDataURL("image/png");
  }

  var shown = null;
  box.hidden = false;
  box.querySelector("button").addEventListener("click", function () {
    if (shown) { shown.scrollIntoView(); return; }
    var url = picture();
    shown = document.createElement("figure");
    shown.className = "codes-picture";
    var img = document.createElement("img");
    img.src = url;
    img.alt = textOf("tracking-number") + " " + textOf("query-code");
    img.setAttribute("data-testid", "codes-picture");
    var link = document.createElement("a");
    link.href = url;
    link.download = texts.fileName;
    link.className = "button";
    link.setAttribute("data-testid", "download-picture");
    link.textContent = texts.msgDownload;
    shown.appendChild(img);
    shown.appendChild(link);
    box.appendChild(shown);
    shown.scrollIntoView();
  });
})();
