/* The "Compare" ticks of the search results: kept across result pages in sessionStorage (this tab
   only, gone when it closes), at most three, and a fourth tick refused with a message instead of one
   being dropped at the comparison. Ticks from other pages go with the form as hidden inputs, and are
   listed with a "Remove" button each, so they can be unticked from any page.
   Without JavaScript the form still compares the ticks of one page (the checkboxes belong to it).
   Names come from the page's data-compare-name attribute and are set as text, never as markup. */
(function () {
  "use strict";
  var form = document.getElementById("compare-form");
  if (!form) { return; }
  var KEY = "tuoyu.compare";
  var max = parseInt(form.dataset.compareMax, 10) || 3;
  var list = form.querySelector("[data-compare-list]");
  var message = form.querySelector("[data-compare-message]");
  var boxes = Array.prototype.slice.call(
    document.querySelectorAll('input[type=checkbox][name=ids][form="compare-form"]'));

  function load() {
    try {
      var kept = JSON.parse(window.sessionStorage.getItem(KEY) || "[]");
      if (!Array.isArray(kept)) { return []; }
      return kept.filter(function (item) {
        return item && /^\d+$/.test(String(item.id));
      }).slice(0, max);
    } catch (e) {
      return [];  // storage blocked (private mode) or a broken value: start afresh
    }
  }

  function save(kept) {
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(kept));
    } catch (e) {
      /* storage blocked: the ticks of this page still work */
    }
  }

  var chosen = load();

  function indexOf(id) {
    for (var i = 0; i < chosen.length; i += 1) {
      if (String(chosen[i].id) === String(id)) { return i; }
    }
    return -1;
  }

  // The refusal is said twice: at the compare button, and beside the box just tapped, since on a phone
  // the button is usually scrolled out of sight by then.
  var besideBox = document.createElement("span");
  besideBox.className = "error compare-full-here";
  besideBox.setAttribute("role", "alert");
  besideBox.setAttribute("data-testid", "compare-full-here");

  function say(text, box) {
    message.textContent = text;
    message.hidden = !text;
    besideBox.textContent = text;
    if (text && box && box.parentNode) {
      box.parentNode.parentNode.insertBefore(besideBox, box.parentNode.nextSibling);
    } else if (besideBox.parentNode) {
      besideBox.parentNode.removeChild(besideBox);
    }
  }

  function render() {
    // Hidden inputs for the ticks made on other pages; this page's checkboxes speak for themselves.
    Array.prototype.forEach.call(form.querySelectorAll("input[data-compare-kept]"), function (el) {
      el.remove();
    });
    var onPage = {};
    boxes.forEach(function (box) {
      onPage[box.value] = true;
      box.checked = indexOf(box.value) !== -1;
    });
    chosen.forEach(function (item) {
      if (!onPage[item.id]) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "ids";
        input.value = String(item.id);
        input.setAttribute("data-compare-kept", "");
        form.appendChild(input);
      }
    });
    while (list.firstChild) { list.removeChild(list.firstChild); }
    list.hidden = chosen.length === 0;
    if (!chosen.length) { return; }
    list.appendChild(document.createTextNode(form.dataset.compareChosen + " "));
    chosen.forEach(function (item) {
      var entry = document.createElement("span");
      entry.className = "compare-chosen-item";
      entry.setAttribute("data-testid", "compare-chosen-item");
      entry.textContent = item.name || "#" + item.id;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link-button";
      remove.textContent = form.dataset.compareRemove;
      remove.addEventListener("click", function () {
        var at = indexOf(item.id);
        if (at !== -1) { chosen.splice(at, 1); }
        save(chosen);
        say("");
        render();
      });
      entry.appendChild(document.createTextNode(" "));
      entry.appendChild(remove);
      list.appendChild(entry);
      list.appendChild(document.createTextNode(" "));
    });
  }

  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      var at = indexOf(box.value);
      if (box.checked) {
        if (at === -1 && chosen.length >= max) {
          box.checked = false;  // refused, visibly: nothing already chosen is dropped
          say(form.dataset.compareFull, box);
          return;
        }
        if (at === -1) { chosen.push({ id: box.value, name: box.dataset.compareName || "" }); }
      } else if (at !== -1) {
        chosen.splice(at, 1);
      }
      say("");
      save(chosen);
      render();
    });
  });

  // Back from another result page, the browser may show this page from its cache without running
  // the script again: read the ticks afresh.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      chosen = load();
      say("");
      render();
    }
  });

  render();
}());
