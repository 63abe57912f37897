"""What a column's header says about its values, in Korean, English, Japanese, Chinese and
the common European languages: names that break ties between types and name what values
alone cannot (an address, a note, an identifier)."""

from __future__ import annotations

import re

HINTS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "mail", "이메일", "메일", "メール", "邮箱", "电子邮件"),
    "phone": ("phone", "tel", "mobile", "fax", "전화", "휴대폰", "연락처", "電話", "电话", "手机"),
    "money": (
        "price",
        "amount",
        "cost",
        "fee",
        "금액",
        "가격",
        "단가",
        "비용",
        "金額",
        "价格",
        "金额",
    ),
    "address": ("address", "addr", "주소", "住所", "地址"),
    "date": ("date", "일자", "날짜", "생일", "日付", "日期"),
    "url": ("url", "link", "website", "homepage", "홈페이지", "링크", "网址"),
    "percentage": ("percent", "pct", "ratio", "rate", "비율", "율", "割合", "比例"),
    "boolean": ("is_", "has_", "flag", "여부", "active", "enabled", "vip"),
    "identifier": ("id", "key", "code", "no", "번호", "코드", "아이디", "番号", "编号"),
    # Numbers that are codes (a barcode, a customs code), not quantities or row ids.
    "code": ("code", "barcode", "ean", "upc", "isbn", "zip", "postal", "코드", "コード", "代码"),
    # Free text people write, however often the same words come back.
    "note": (
        "note",
        "memo",
        "comment",
        "remark",
        "비고",
        "메모",
        "요청사항",
        "특이사항",
        "備考",
        "メモ",
        "备注",
        "notiz",
        "bemerkung",
        "kommentar",
        "commentaire",
        "remarque",
        "observación",
    ),
}
WORDS = re.compile(r"[^0-9a-z가-힣぀-ヿ一-鿿]+")


def hinted(name: str, kind: str) -> bool:
    """Whether a column's name suggests `kind`: a short Latin hint ("id", "no") as a whole
    word, "is_" as a prefix, any other as a part of the name."""
    lowered = name.lower()
    words = set(WORDS.split(lowered))
    for hint in HINTS[kind]:
        if hint.endswith("_") and lowered.startswith(hint):
            return True
        if hint.isascii() and len(hint) <= 3:
            if hint in words:
                return True
        elif hint in lowered:
            return True
    return False
