"""The sheet's columns and the words officials write in them: what the reader, the row parser and the
template share."""

from dataclasses import dataclass

from tuoyu.institutions.models import AgeGroup, InstitutionType, Ownership, RegistrationBody

# request's work predictable: each row costs ~30 ms in the register's checks (full_clean runs each check
# constraint as a query), so 500 rows finish in about 15 s, inside a web worker's timeout.
MAX_ROWS = 500
# One age group of one institution beyond this is a typing error, not a kindergarten.
MAX_SLOTS_PER_GROUP = 500
# The header row may sit under a title row or two ("开州区存量托育机构统计表").
HEADER_SCAN_ROWS = 10
# A row whose 机构名称 starts with this is the template's worked example: skipped, never imported.
EXAMPLE_MARK = "示例"
EXAMPLE_NAME = "【示例】开州区阳光托育园（导入时自动跳过此行）"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header the sheet uses and the report names
    aliases: tuple[str, ...] = ()  # English alternatives, compared in lower case
    required: bool = False


COLUMNS = (
    Column("name", "机构名称", ("name", "institution name"), required=True),
    Column("uscc", "统一社会信用代码", ("uscc", "credit code", "unified social credit code"), required=True),
    Column("registration_body", "登记机关", ("registration body", "registered with"), required=True),
    Column("type", "机构类型", ("type", "institution type"), required=True),
    Column("ownership", "举办性质", ("ownership",), required=True),
    Column("is_puhui", "是否普惠", ("inclusive", "puhui"), required=True),
    Column("unit", "街道乡镇", ("street or town", "street", "town", "unit"), required=True),
    Column("address", "地址", ("address",), required=True),
    Column("lat", "纬度", ("latitude", "lat"), required=True),
    Column("lng", "经度", ("longitude", "lng"), required=True),
    Column("phone", "联系电话", ("phone", "telephone", "contact telephone")),
    Column("infant", "乳儿班托位", ("infant slots",)),
    Column("toddler", "托小班托位", ("toddler slots",)),
    Column("preschool", "托大班托位", ("older toddler slots", "preschool slots")),
    Column("mixed", "混合班托位", ("mixed slots", "mixed-age slots")),
    Column("enrolled", "在托人数", ("enrolled", "children enrolled")),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
HEADER = {column.key: column.header for column in COLUMNS}
CLASS_COLUMNS = {
    "infant": AgeGroup.INFANT,
    "toddler": AgeGroup.TODDLER,
    "preschool": AgeGroup.PRESCHOOL,
    "mixed": AgeGroup.MIXED,
}
# Class names as a kindergarten writes them: 乳儿班, or 乳儿1班, 乳儿2班 … when one group needs several.
CLASS_STEM = {
    AgeGroup.INFANT: "乳儿",
    AgeGroup.TODDLER: "托小",
    AgeGroup.PRESCHOOL: "托大",
    AgeGroup.MIXED: "混合",
}

REGISTRATION_BODY_VALUES = {
    "事业单位": RegistrationBody.PUBLIC_INSTITUTION,
    "编制部门": RegistrationBody.PUBLIC_INSTITUTION,
    "社会服务机构": RegistrationBody.SOCIAL_ORGANISATION,
    "民办非企业单位": RegistrationBody.SOCIAL_ORGANISATION,  # the older name of 社会服务机构
    "民政部门": RegistrationBody.SOCIAL_ORGANISATION,
    "企业": RegistrationBody.ENTERPRISE,
    "市场监管部门": RegistrationBody.ENTERPRISE,
}
TYPE_VALUES = {
    "托育机构": InstitutionType.CHILDCARE,
    "幼儿园托班": InstitutionType.KINDERGARTEN,
    "用人单位办托": InstitutionType.EMPLOYER,
    "社区托育点": InstitutionType.COMMUNITY,
    "托育综合服务中心": InstitutionType.SERVICE_CENTRE,
    "综合服务中心": InstitutionType.SERVICE_CENTRE,
}
OWNERSHIP_VALUES = {
    "公办": Ownership.PUBLIC,
    "民办": Ownership.PRIVATE,
    "公建民营": Ownership.PUBLIC_BUILT_PRIVATE_RUN,
    "民办公助": Ownership.PRIVATE_WITH_PUBLIC_AID,
}
BOOLEAN_VALUES = {
    "是": True,
    "否": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}
# What the template's drop-downs offer and an error message lists: the first spelling of each value.
CHOICES_SHOWN = {
    "registration_body": ("事业单位", "社会服务机构", "企业"),
    "type": ("托育机构", "幼儿园托班", "用人单位办托", "社区托育点", "托育综合服务中心"),
    "ownership": ("公办", "民办", "公建民营", "民办公助"),
    "is_puhui": ("是", "否"),
}
