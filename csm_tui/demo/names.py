"""Who is in the demo book: word lists, segments, activity kinds; companies and their people.

Kept apart from the generator so `demo.py` reads as logic. Everything is fictional; e-mail domains
use the reserved `.example` top-level domain so a demo address can never reach a real mailbox.
Pairs are (display, ASCII) so e-mail addresses can be made from Japanese names.
"""

from __future__ import annotations

from itertools import accumulate, chain, count
from random import Random
from typing import Any, NamedTuple

ME_NAME = "Aoi Tanaka"
ME_EMAIL = "aoi.tanaka@example.com"


class Segment(NamedTuple):
    """A value segment: how common, what it pays (USD), how many contacts, how much work."""

    name: str
    weight: int
    usd: tuple[int, int]
    contacts: tuple[int, int]
    workload: float


SEGMENTS = (
    Segment("Enterprise", 15, (150_000, 600_000), (2, 4), 3.0),
    Segment("Mid-Market", 30, (40_000, 150_000), (2, 4), 1.6),
    Segment("SMB", 35, (8_000, 40_000), (1, 3), 0.8),
    Segment("Tech Touch", 20, (1_200, 8_000), (1, 2), 0.3),
)

COLLEAGUES: list[tuple[str, str]] = [
    ("Kenji Sato", "kenji.sato@example.com"),
    ("Emily Carter", "emily.carter@example.com"),
    ("Yuki Nakamura", "yuki.nakamura@example.com"),
    ("James Whitfield", "james.whitfield@example.com"),
    ("Misaki Kobayashi", "misaki.kobayashi@example.com"),
    ("Sarah Lin", "sarah.lin@example.com"),
    ("Daisuke Mori", "daisuke.mori@example.com"),
    ("Olivia Brennan", "olivia.brennan@example.com"),
]

# -- Japanese companies: a root (kanji or katakana) + an industry, with or without 株式会社 --------

KANJI_ROOTS: list[tuple[str, str]] = [
    ("山田", "yamada"), ("東邦", "toho"), ("大和", "yamato"), ("北斗", "hokuto"),
    ("三和", "sanwa"), ("日進", "nisshin"), ("中央", "chuo"), ("光洋", "koyo"),
    ("東海", "tokai"), ("北陸", "hokuriku"), ("九州", "kyushu"), ("青葉", "aoba"),
    ("若松", "wakamatsu"), ("高島", "takashima"), ("白鳥", "shiratori"), ("瀬戸内", "setouchi"),
    ("富岳", "fugaku"), ("大成", "taisei"), ("明星", "myojo"), ("常盤", "tokiwa"),
    ("浪速", "naniwa"), ("みなと", "minato"), ("湘南", "shonan"), ("信州", "shinshu"),
]  # fmt: skip

KATAKANA_ROOTS: list[tuple[str, str]] = [
    ("サクラ", "sakura"), ("ミライ", "mirai"), ("アオゾラ", "aozora"), ("ヒカリ", "hikari"),
    ("ツバサ", "tsubasa"), ("コスモ", "cosmo"), ("ネクスト", "next"), ("アーク", "arc"),
    ("ステラ", "stella"), ("ルミナ", "lumina"), ("ハーモニー", "harmony"), ("フォレスト", "forest"),
    ("リンクス", "links"), ("エール", "yell"), ("オーシャン", "ocean"), ("シナジー", "synergy"),
]  # fmt: skip


class Industry(NamedTuple):
    name: str
    ascii: str
    tag: str


KANJI_INDUSTRIES: list[Industry] = [
    Industry("工業", "kogyo", "製造業"),
    Industry("製作所", "seisakusho", "製造業"),
    Industry("精機", "seiki", "製造業"),
    Industry("電機", "denki", "製造業"),
    Industry("化学", "kagaku", "化学"),
    Industry("物流", "butsuryu", "物流"),
    Industry("運輸", "unyu", "物流"),
    Industry("商事", "shoji", "商社"),
    Industry("建設", "kensetsu", "建設"),
    Industry("食品", "shokuhin", "食品"),
    Industry("製薬", "seiyaku", "医療"),
    Industry("不動産", "fudosan", "不動産"),
    Industry("印刷", "insatsu", "印刷"),
]

KATAKANA_INDUSTRIES: list[Industry] = [
    Industry("ホールディングス", "hd", "持株会社"),
    Industry("テクノロジーズ", "tech", "IT"),
    Industry("ソリューションズ", "solutions", "IT"),
    Industry("システムズ", "systems", "IT"),
    Industry("ネットワークス", "networks", "通信"),
    Industry("リテール", "retail", "小売"),
    Industry("ヘルスケア", "healthcare", "医療"),
    Industry("フーズ", "foods", "食品"),
    Industry("ロジスティクス", "logistics", "物流"),
    Industry("ラボ", "lab", "研究開発"),
]

JA_REGIONS = ["東日本", "西日本", "関西支社", "九州支社", "北海道", "中部", "東北", "四国"]

# -- English-named companies: prefix + industry + legal form --------------------------------------

EN_PREFIXES = [
    "Northwind", "Bluepeak", "Silverline", "Redwood", "Brightwater", "Ironbridge", "Clearpath",
    "Summit", "Evergreen", "Harborview", "Pinecrest", "Starling", "Copperfield", "Lakeside",
    "Granite", "Meridian", "Orion", "Crescent", "Atlas", "Beacon", "Kestrel", "Maplewood",
    "Westbrook", "Highland", "Falcon", "Riverton", "Oakridge", "Vantage", "Nimbus", "Quartz",
]  # fmt: skip

EN_INDUSTRIES: list[Industry] = [
    Industry("Logistics", "logistics", "logistics"),
    Industry("Analytics", "analytics", "SaaS"),
    Industry("Robotics", "robotics", "manufacturing"),
    Industry("Health", "health", "healthcare"),
    Industry("Foods", "foods", "food"),
    Industry("Energy", "energy", "energy"),
    Industry("Software", "software", "SaaS"),
    Industry("Manufacturing", "mfg", "manufacturing"),
    Industry("Retail", "retail", "retail"),
    Industry("Insurance", "insurance", "fintech"),
    Industry("Media", "media", "media"),
    Industry("Labs", "labs", "biotech"),
    Industry("Systems", "systems", "SaaS"),
    Industry("Networks", "networks", "telecom"),
    Industry("Pharma", "pharma", "healthcare"),
    Industry("Motors", "motors", "automotive"),
    Industry("Capital", "capital", "fintech"),
    Industry("Learning", "learning", "education"),
]

US_FORMS = ["Inc.", "Inc.", "LLC", "Corp.", "Group", "Ltd.", ""]
EU_FORMS = ["GmbH", "GmbH", "AG", "SA", "BV", "S.p.A.", "Ltd."]
EN_REGIONS = ["EMEA", "APAC", "North America", "UK", "DACH", "Nordics", "LATAM", "Canada"]

# -- people at the customers -------------------------------------------------------------------

JA_FAMILY: list[tuple[str, str]] = [
    ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"),
    ("伊藤", "ito"), ("渡辺", "watanabe"), ("山本", "yamamoto"), ("中村", "nakamura"),
    ("小林", "kobayashi"), ("加藤", "kato"), ("吉田", "yoshida"), ("山口", "yamaguchi"),
    ("松本", "matsumoto"), ("井上", "inoue"), ("木村", "kimura"), ("林", "hayashi"),
    ("清水", "shimizu"), ("森", "mori"), ("池田", "ikeda"), ("橋本", "hashimoto"),
]  # fmt: skip

JA_GIVEN: list[tuple[str, str]] = [
    ("健太", "kenta"), ("翔", "sho"), ("大輔", "daisuke"), ("直樹", "naoki"), ("拓也", "takuya"),
    ("美咲", "misaki"), ("陽子", "yoko"), ("由美", "yumi"), ("恵", "megumi"), ("彩", "aya"),
    ("誠", "makoto"), ("愛", "ai"), ("悠斗", "yuto"), ("真由美", "mayumi"), ("浩二", "koji"),
    ("理恵", "rie"),
]  # fmt: skip

EN_FIRST = [
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Sophia", "Lucas", "Mia", "James",
    "Charlotte", "Benjamin", "Amelia", "Daniel", "Harper", "Henry", "Grace", "Samuel", "Chloe",
    "Owen", "Anna", "Jonas", "Marie", "Luca", "Elena", "Sofie",
]  # fmt: skip

EN_LAST = [
    "Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Anderson", "Taylor", "Moore",
    "Martin", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green",
    "Schmidt", "Weber", "Fischer", "Dubois", "Laurent", "Rossi", "Bianchi", "Jansen", "Novak",
]  # fmt: skip

# Senior roles hold the budget (decision makers); working roles use the product (champions).
EN_SENIOR_ROLES = ["CTO", "CFO", "VP Operations", "Head of IT", "COO", "Director of Operations"]
EN_WORKING_ROLES = [
    "IT Manager", "Project Manager", "Operations Lead", "System Administrator",
    "Customer Experience Manager", "Procurement Manager", "Data Analyst", "Team Lead",
]  # fmt: skip
JA_SENIOR_ROLES = [
    "代表取締役", "取締役", "情報システム部 部長", "経営企画部 部長", "DX推進室 室長",
]  # fmt: skip
JA_WORKING_ROLES = [
    "情報システム部 課長", "経営企画部 担当", "DX推進室 担当", "営業企画部 主任",
    "総務部 担当", "カスタマーサポート部 マネージャー", "購買部 課長", "業務改革推進 リーダー",
]  # fmt: skip

# -- tags and coverage -----------------------------------------------------------------------------

PRODUCT_TAGS = ["API", "SSO", "SAML", "analytics", "mobile", "integrations"]
JA_EXTRA_TAGS = ["日本語サポート", "請求書払い", "オンプレ連携"]
COVERAGE_REASONS = ["parental leave", "育休", "sabbatical", "長期出張", "medical leave", "産休"]

# -- activities ------------------------------------------------------------------------------------


class ActivityKind(NamedTuple):
    """A kind of work a CSM logs, with how it usually goes.

    `outcomes` weighs resolved, follow_up, risk_found, expansion, none (in this order).
    """

    type: str
    min_minutes: int
    max_minutes: int
    proactive: float
    recurring: float
    outcomes: tuple[int, int, int, int, int]
    notes_en: tuple[str, ...]
    notes_ja: tuple[str, ...]


OUTCOMES = ("resolved", "follow_up", "risk_found", "expansion", "none")

ACTIVITY_KINDS: list[ActivityKind] = [
    ActivityKind(
        "call", 15, 45, 0.8, 0.5, (2, 3, 1, 1, 5),
        ("Monthly check-in: usage steady, no blockers.", "Walked through the new reports.",
         "Check-in call; asked about their goals for next quarter."),
        ("定例の状況確認。利用は順調。", "新しいレポート機能を電話で説明。",
         "来期の目標についてヒアリング。"),
    ),
    ActivityKind(
        "meeting", 30, 120, 0.9, 0.3, (1, 4, 1, 1, 3),
        ("Business review with the project team.", "Kickoff: goals and schedule agreed.",
         "Roadmap session with the champion."),
        ("ビジネスレビューを実施。", "キックオフ。目標とスケジュールを合意。",
         "チャンピオンとロードマップを確認。"),
    ),
    ActivityKind(
        "email", 5, 20, 0.5, 0.4, (2, 3, 0, 0, 5),
        ("Sent the minutes and next steps.", "Shared the release notes.",
         "Followed up on the open questions."),
        ("議事録とネクストステップを送付。", "リリースノートを共有。", "未回答の質問をフォロー。"),
    ),
    ActivityKind(
        "chat", 5, 15, 0.3, 0.5, (6, 2, 0, 0, 2),
        ("Quick question about user permissions.", "Helped with a dashboard filter."),
        ("権限設定について簡単な質問に回答。", "ダッシュボードのフィルタ設定を案内。"),
    ),
    ActivityKind(
        "inquiry", 10, 60, 0.0, 0.6, (7, 2, 1, 0, 0),
        ("Answered an SSO login issue.", "Question about the CSV export format.",
         "API rate limit question."),
        ("SSOログインの問い合わせに回答。", "CSVエクスポート形式の質問に回答。",
         "APIの利用上限について問い合わせ。"),
    ),
    ActivityKind(
        "training", 45, 120, 0.85, 0.3, (3, 2, 0, 1, 4),
        ("Admin training for new users.", "Workshop on the reporting module."),
        ("新任管理者向けトレーニングを実施。", "レポート機能のワークショップ。"),
    ),
    ActivityKind(
        "internal", 15, 60, 0.7, 0.4, (1, 3, 1, 1, 4),
        ("Prepared the renewal proposal.", "Account plan review with sales."),
        ("更新提案書を作成。", "営業とアカウントプランを確認。"),
    ),
    ActivityKind(
        "other", 10, 45, 0.5, 0.1, (1, 2, 1, 0, 6),
        ("Checked the usage data before the review.", "Updated the success plan."),
        ("レビュー前に利用状況データを確認。", "サクセスプランを更新。"),
    ),
]  # fmt: skip

# How often each kind (in ACTIVITY_KINDS order) is logged in each stage.
KIND_WEIGHTS = {
    "onboarding": (3, 4, 4, 3, 3, 4, 2, 1),
    "adoption": (4, 2, 4, 4, 4, 2, 2, 1),
    "renewal": (4, 3, 4, 2, 2, 1, 4, 1),
}


# Cumulative weights for `bisect`, computed once: kinds per stage, outcomes per kind.
KIND_CUM = {stage: list(accumulate(weights)) for stage, weights in KIND_WEIGHTS.items()}
OUTCOME_CUM = [list(accumulate(kind.outcomes)) for kind in ACTIVITY_KINDS]
OUTCOME_CUM_AT_RISK = [  # at-risk accounts: risks are found three times as often
    list(
        accumulate(w * (3 if OUTCOMES[i] == "risk_found" else 1) for i, w in enumerate(k.outcomes))
    )
    for k in ACTIVITY_KINDS
]

# -- makers ------------------------------------------------------------------------------------


class CompanyNames:
    """Unique, plausible company names: a root and an industry; a repeat gets a region, a number."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.cores: set[str] = set()

    def make(self, japanese: bool, currency: str) -> tuple[str, str, str]:
        """(name, industry tag, e-mail domain)."""
        for _ in range(8):
            core, tag, domain = self.japanese_core() if japanese else self.english_core()
            if core not in self.cores:
                break
        repeated = core in self.cores
        self.cores.add(core)
        name = base = self.legal_form(core, japanese, currency)
        labels = JA_REGIONS if japanese else EN_REGIONS
        for label in chain(labels, map(str, count(2))) if repeated else ():
            name = f"{base}（{label}）" if japanese else f"{base} ({label})"
            if name not in self.names:
                break
        self.names.add(name)
        return name, tag, domain

    def japanese_core(self) -> tuple[str, str, str]:
        """Kanji root + kanji industry (山田工業), katakana + katakana, or katakana + kanji."""
        kind = self.rng.random()
        roots = KANJI_ROOTS if kind < 0.5 else KATAKANA_ROOTS
        industries = KATAKANA_INDUSTRIES if 0.5 <= kind < 0.8 else KANJI_INDUSTRIES
        root, ascii_root = self.rng.choice(roots)
        industry = self.rng.choice(industries)
        return root + industry.name, industry.tag, f"{ascii_root}-{industry.ascii}.example"

    def english_core(self) -> tuple[str, str, str]:
        prefix = self.rng.choice(EN_PREFIXES)
        industry = self.rng.choice(EN_INDUSTRIES)
        domain = f"{prefix.lower()}-{industry.ascii}.example"
        return f"{prefix} {industry.name}", industry.tag, domain

    def legal_form(self, core: str, japanese: bool, currency: str) -> str:
        if japanese:
            pick = self.rng.random()
            return f"株式会社{core}" if pick < 0.45 else f"{core}株式会社" if pick < 0.8 else core
        form = self.rng.choice(EU_FORMS if currency == "EUR" else US_FORMS)
        return f"{core} {form}".strip()


def contacts(
    rng: Random, account_id: str, japanese: bool, size: int, domain: str, now: str
) -> list[dict[str, Any]]:
    """Contact rows: a champion among the users and a decision maker among the seniors, mostly."""
    champion, decider = rng.random() < 0.88, rng.random() < 0.85
    senior = JA_SENIOR_ROLES if japanese else EN_SENIOR_ROLES
    working = JA_WORKING_ROLES if japanese else EN_WORKING_ROLES
    rows = []
    for k in range(size):
        is_senior = k == 1 or (size == 1 and decider and not champion)
        name, local = person(rng, japanese)
        rows.append(
            {
                "id": "",
                "account_id": account_id,
                "name": name,
                "role": rng.choice(senior if is_senior else working),
                "email": f"{local}@{domain}" if rng.random() < 0.92 else None,
                "is_champion": k == 0 and champion,
                "is_decision_maker": decider and (k == 1 or size == 1),
                "created_at": now,
            }
        )
    return rows


def person(rng: Random, japanese: bool) -> tuple[str, str]:
    """(display name, e-mail local part) of someone at a customer."""
    if japanese:
        (family, family_ascii), (given, given_ascii) = rng.choice(JA_FAMILY), rng.choice(JA_GIVEN)
        return f"{family} {given}", f"{family_ascii}.{given_ascii}"
    first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
    return f"{first} {last}", f"{first}.{last}".lower()
