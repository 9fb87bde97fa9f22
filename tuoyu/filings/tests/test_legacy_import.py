"""Importing existing unfiled institutions (存量机构, §8) from the officials' Excel sheet."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from stdnum.cn import uscc as uscc_lib

from tuoyu.filings import services
from tuoyu.filings.importer import MAX_BYTES, import_legacy_institutions, split_classes, spread_enrolled
from tuoyu.institutions.models import ClassGroup, Institution, InstitutionStatus

pytestmark = pytest.mark.django_db

HEADERS = [
    "机构名称",
    "统一社会信用代码",
    "登记机关",
    "机构类型",
    "举办性质",
    "是否普惠",
    "街道乡镇",
    "地址",
    "纬度",
    "经度",
    "联系电话",
    "乳儿班托位",
    "托小班托位",
    "托大班托位",
    "混合班托位",
    "在托人数",
]


def code(n: int, prefix: str = "91") -> str:
    stem = f"{prefix}500154MA{n:07d}"
    return stem + uscc_lib.calc_check_digit(stem)


def row(n: int, **changes) -> dict:
    values = {
        "机构名称": f"存量托育园{n}",
        "统一社会信用代码": code(n),
        "登记机关": "企业",
        "机构类型": "托育机构",
        "举办性质": "民办",
        "是否普惠": "否",
        "街道乡镇": "汉丰街道",
        "地址": f"汉丰街道滨湖路{n}号",
        "纬度": 31.176,
        "经度": 108.396,
        "联系电话": "023-52210000",
        "乳儿班托位": 0,
        "托小班托位": 15,
        "托大班托位": 20,
        "混合班托位": None,
        "在托人数": 30,
    }
    values.update(changes)
    return values


def xlsx(rows: list[dict], headers: list[str] = HEADERS, *, above: list[list] = (), name="存量机构.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(line)
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(header.strip()) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def problems(report) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in report.errors}


def test_good_rows_become_drafts_and_each_bad_row_is_reported_by_row_and_column(reviewer):
    bad_check_digit = code(3)[:-1] + ("0" if code(3)[-1] != "0" else "1")
    upload = xlsx(
        [
            row(2),  # row 2: good
            row(3, 统一社会信用代码=bad_check_digit),  # row 3
            row(4, 统一社会信用代码=code(4, prefix="52")),  # row 4: a social organisation's code, body 企业
            row(5, 纬度=39.9, 经度=116.4),  # row 5: Beijing
            row(6, 街道乡镇="不存在街道"),  # row 6
            row(7, 乳儿班托位=25, 托小班托位=None, 托大班托位=None, 在托人数=20),  # row 7: good, 3 classes
            row(8, 统一社会信用代码=code(2)),  # row 8: the code of row 2 again
            row(9, 纬度=31.1, 经度=110.5),  # row 9: east of the district
        ]
    )

    report = import_legacy_institutions(file=upload, by=reviewer)

    assert report.total == 8
    assert problems(report) == {
        (3, "统一社会信用代码"),
        (4, "登记机关"),
        (5, "纬度"),
        (6, "街道乡镇"),
        (8, "统一社会信用代码"),
        (9, "经度"),
    }
    messages = {(error.row, error.column): error.message for error in report.errors}
    assert "不存在街道" in messages[(6, "街道乡镇")]
    assert "2" in messages[(8, "统一社会信用代码")]
    assert code(4, prefix="52") in messages[(4, "登记机关")]
    assert {i.name for i in report.created} == {"存量托育园2", "存量托育园7"}
    assert set(Institution.objects.values_list("name", "status")) == {
        ("存量托育园2", InstitutionStatus.DRAFT),
        ("存量托育园7", InstitutionStatus.DRAFT),
    }
    # Nothing half-saved: every class belongs to one of the two imported institutions.
    assert ClassGroup.objects.exclude(institution__in=report.created).count() == 0
    infants = list(
        ClassGroup.objects.filter(institution__name="存量托育园7")
        .order_by("name")
        .values_list("name", "capacity", "enrolled")
    )
    assert [(name, capacity) for name, capacity, _ in infants] == [
        ("乳儿1班", 9),
        ("乳儿2班", 8),
        ("乳儿3班", 8),
    ]
    assert sum(enrolled for *_, enrolled in infants) == 20
    first = Institution.objects.get(name="存量托育园2")
    assert (first.capacity_total, first.enrolled_total, first.uscc) == (35, 30, code(2))
    assert set(first.classes.values_list("name", "capacity")) == {("托小班", 15), ("托大班", 20)}


def test_a_bad_row_reports_all_its_problems_at_once(reviewer):
    report = import_legacy_institutions(
        file=xlsx([row(2, 机构类型="早教中心", 地址="", 是否普惠="也许", 托小班托位="十五")]), by=reviewer
    )
    assert problems(report) == {(2, "机构类型"), (2, "地址"), (2, "是否普惠"), (2, "托小班托位")}
    assert "托育机构" in next(e.message for e in report.errors if e.column == "机构类型")
    assert Institution.objects.count() == 0


def test_enrolled_children_above_the_slots_are_refused_on_their_column(reviewer):
    report = import_legacy_institutions(file=xlsx([row(2, 在托人数=36)]), by=reviewer)
    assert problems(report) == {(2, "在托人数")}
    assert Institution.objects.count() == 0


def test_swapped_coordinates_are_named_as_such(reviewer):
    report = import_legacy_institutions(file=xlsx([row(2, 纬度=108.396, 经度=31.176)]), by=reviewer)
    assert problems(report) == {(2, "纬度")}
    assert "填反" in report.errors[0].message  # "the latitude and longitude look swapped"


def test_headers_are_found_in_any_order_under_a_title_row_with_spaces_and_extra_columns(reviewer):
    headers = ["序号", *reversed(HEADERS), " 备注 "]
    headers[headers.index("机构名称")] = "  机构名称 "
    upload = xlsx(
        [row(2), {}, row(3, 街道乡镇="镇东街道"), row(4, 举办性质="外资")],
        headers=headers,
        above=[["开州区存量托育机构统计表"], []],
    )
    report = import_legacy_institutions(file=upload, by=reviewer)
    assert {i.name for i in report.created} == {"存量托育园2", "存量托育园3"} and report.total == 3
    # Title row 1, blank row 2, header row 3, data from row 4; blank row 5 is skipped, not counted.
    assert problems(report) == {(7, "举办性质")}
    assert Institution.objects.get(name="存量托育园3").unit.name == "镇东街道"


def test_row_numbers_are_the_sheet_rows_even_after_blank_rows(reviewer):
    upload = xlsx([row(2), {}, {}, row(5, 街道乡镇="火星街道")])
    report = import_legacy_institutions(file=upload, by=reviewer)
    assert problems(report) == {(5, "街道乡镇")}


def test_english_headers_work_as_aliases(reviewer):
    english = {
        "机构名称": "Name",
        "统一社会信用代码": "Credit code",
        "登记机关": "Registration body",
        "机构类型": "Type",
        "举办性质": "Ownership",
        "是否普惠": "Inclusive",
        "街道乡镇": "Street or town",
        "地址": "Address",
        "纬度": "Latitude",
        "经度": "Longitude",
        "托小班托位": "Toddler slots",
    }
    values = {english[k]: v for k, v in row(2).items() if k in english}
    workbook = Workbook()
    workbook.active.append(list(values))
    workbook.active.append(list(values.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_legacy_institutions(file=SimpleUploadedFile("en.xlsx", buffer.getvalue()), by=reviewer)
    assert report.errors == [] and Institution.objects.get().capacity_total == 15


def test_codes_already_in_the_register_or_filing_online_are_row_errors(reviewer, make_institution):
    existing = make_institution(status="draft")
    user, _filing = services.operator_register(
        uscc=code(60),
        registration_body="enterprise",
        name="网上申请托育园",
        legal_representative="李华",
        phone="13900000060",
        password="a-long-secret-passphrase",
    )
    report = import_legacy_institutions(
        file=xlsx([row(2, 统一社会信用代码=existing.uscc), row(3, 统一社会信用代码=code(60)), row(4)]),
        by=reviewer,
    )
    assert problems(report) == {(2, "统一社会信用代码"), (3, "统一社会信用代码")}
    assert [i.name for i in report.created] == ["存量托育园4"]


def test_a_code_that_excel_rounded_to_a_number_gets_a_clear_message(reviewer):
    report = import_legacy_institutions(
        file=xlsx([row(2, 统一社会信用代码=9.15001540000001e17)]), by=reviewer
    )
    assert problems(report) == {(2, "统一社会信用代码")}
    assert "文本格式" in report.errors[0].message  # "format the column as text"


def test_a_missing_required_header_imports_nothing_and_names_the_column(reviewer):
    headers = [h for h in HEADERS if h != "街道乡镇"]
    with pytest.raises(ValidationError) as caught:
        import_legacy_institutions(file=xlsx([row(2), row(3)], headers=headers), by=reviewer)
    assert caught.value.code == "missing_columns"
    assert "街道乡镇" in caught.value.messages[0]
    assert Institution.objects.count() == 0


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7 not a workbook at all",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # an old .xls
        b"PK\x03\x04 a broken zip",
    ],
    ids=["pdf", "xls", "broken-zip"],
)
def test_a_file_that_is_not_an_xlsx_is_refused_whatever_its_name(reviewer, content):
    with pytest.raises(ValidationError) as caught:
        import_legacy_institutions(file=SimpleUploadedFile("机构.xlsx", content), by=reviewer)
    assert caught.value.code == "file_type"
    assert ".xlsx" in caught.value.messages[0]


def test_a_zip_that_is_not_a_workbook_is_refused(reviewer):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(ValidationError) as caught:
        import_legacy_institutions(file=SimpleUploadedFile("机构.xlsx", buffer.getvalue()), by=reviewer)
    assert caught.value.code == "file_type"


def test_a_file_over_5_mb_is_refused_before_it_is_read(reviewer):
    upload = SimpleUploadedFile("big.xlsx", b"PK\x03\x04" + b"\0" * MAX_BYTES)
    with pytest.raises(ValidationError) as caught:
        import_legacy_institutions(file=upload, by=reviewer)
    assert caught.value.code == "file_size"


def test_a_sheet_with_more_rows_than_the_limit_is_refused_before_anything_is_written(reviewer):
    from tuoyu.filings.importer import MAX_ROWS

    with pytest.raises(ValidationError) as caught:
        import_legacy_institutions(file=xlsx([row(n) for n in range(2, MAX_ROWS + 3)]), by=reviewer)
    assert caught.value.code == "too_many_rows"
    assert Institution.objects.count() == 0


def test_only_the_health_commission_may_import(operator, kaizhou):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_legacy_institutions(file=xlsx([row(2)]), by=operator)
    assert Institution.objects.count() == 0


def test_classes_are_split_evenly_within_the_national_limit_and_children_spread_within_them():
    assert [(c.name, c.capacity) for c in split_classes("infant", 10)] == [("乳儿班", 10)]
    assert [c.capacity for c in split_classes("preschool", 41)] == [14, 14, 13]
    assert [c.name for c in split_classes("toddler", 31)] == ["托小1班", "托小2班", "托小3班"]
    assert split_classes("mixed", 0) == []
    classes = spread_enrolled(split_classes("infant", 25), 24)
    assert sum(c.enrolled for c in classes) == 24 and all(c.enrolled <= c.capacity for c in classes)
    full = spread_enrolled(split_classes("infant", 25), 25)
    assert [c.enrolled for c in full] == [c.capacity for c in full]


# --- over HTTP -----------------------------------------------------------------------------------


def test_the_template_downloads_and_its_example_row_is_skipped_but_valid(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/filings/review/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet["A2"].value.startswith("【示例】")

    as_downloaded = import_legacy_institutions(
        file=SimpleUploadedFile("t.xlsx", response.content), by=reviewer
    )
    assert (as_downloaded.total, as_downloaded.skipped_examples, as_downloaded.errors) == (0, 1, [])
    assert Institution.objects.count() == 0

    # Without the 示例 mark the example is a complete, valid institution.
    sheet["A2"] = "阳光托育园"
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_legacy_institutions(file=SimpleUploadedFile("t.xlsx", buffer.getvalue()), by=reviewer)
    assert report.errors == []
    imported = Institution.objects.get()
    assert (imported.name, imported.status, imported.capacity_total, imported.enrolled_total) == (
        "阳光托育园",
        InstitutionStatus.DRAFT,
        45,
        30,
    )


def test_a_reviewer_imports_over_http_sees_the_problems_and_downloads_them(client, reviewer):
    client.force_login(reviewer)
    upload = xlsx([row(2), row(3, 街道乡镇="不存在街道")])
    response = client.post("/filings/review/import/", {"file": upload})
    assert response.status_code == 302 and response["Location"] == "/filings/review/import/"
    page = client.get("/filings/review/import/").content.decode()
    assert 'data-testid="legacy-errors"' in page and "不存在街道" in page and "存量托育园2" in page
    assert Institution.objects.filter(name="存量托育园2").exists()

    sheet = load_workbook(
        io.BytesIO(client.get("/filings/review/import/problems.xlsx").content), read_only=True
    )
    rows = list(sheet.active.iter_rows(values_only=True))
    assert rows[1][:2] == (3, "街道乡镇")


def test_a_renamed_file_gets_a_clear_message_on_the_page_and_imports_nothing(client, reviewer):
    client.force_login(reviewer)
    fake = SimpleUploadedFile(
        "机构名单.xlsx", b"\xef\xbb\xbf\xe6\x9c\xba\xe6\x9e\x84,\xe5\x9c\xb0\xe5\x9d\x80\n"
    )
    response = client.post("/filings/review/import/", {"file": fake})
    assert response.status_code == 200
    assert ".xlsx" in response.content.decode() and 'role="alert"' in response.content.decode()
    assert Institution.objects.count() == 0


def test_the_problems_download_without_an_import_sends_back_to_the_page(client, reviewer):
    client.force_login(reviewer)
    response = client.get("/filings/review/import/problems.xlsx")
    assert response.status_code == 302 and response["Location"] == "/filings/review/import/"


@pytest.mark.parametrize("persona", ["family", "operator", "inspector", "street_officer"])
@pytest.mark.parametrize(
    "url",
    [
        "/filings/review/import/",
        "/filings/review/import/template.xlsx",
        "/filings/review/import/problems.xlsx",
    ],
)
def test_only_the_health_commission_can_open_the_import(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 403
    if url.endswith("/"):
        assert client.post(url, {"file": xlsx([row(2)])}).status_code == 403
    assert Institution.objects.count() == 0
