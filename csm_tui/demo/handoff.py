"""Handoff notes for the demo book: on accounts I cover, written by their primary owners.

English notes on English-speaking accounts, Japanese ones on Japanese accounts; some already
read by me, most not; the first note has two versions. Dates follow the demo's `today`, ids come
from a generator seeded like the rest of the demo, so the same book comes out every time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any

from csm_tui.demo import names as words
from csm_tui.models.handoff import HandoffNote
from csm_tui.store.connection import Store
from csm_tui.store.handoff import receipt_id
from csm_tui.store.journal import insert_many

COVERED_WITH_NOTES = 6  # how many of the accounts I cover get notes

# situation, goals, risks, [(commitment, due in days)], free text; {champion} and {decider} are
# the account's contacts.
_Note = tuple[str, str, str, list[tuple[str, int]], str]

EN_NOTES: list[_Note] = [
    (
        "Rolling out SSO to the second business unit. IT asked for a test tenant by mid-month. "
        "Usage is steady in sales and still low in support.",
        "Cut ticket handling time by 20% before the renewal; get the support team onto the "
        "knowledge base.",
        "{champion} moves to a new role in January. Next year's budget is not approved yet.",
        [
            ("Send the SSO setup guide and the test tenant details", 3),
            ("Book the quarterly business review", 12),
            ("Answer the invoice question from their finance team", -2),
        ],
        "Weekly call on Tuesdays at 10:00 with {champion}; they prefer e-mail to chat. "
        "Do not promise a date for the new reporting module before it is announced.",
    ),
    (
        "Onboarding is late: the data import failed twice because of the CSV encoding. "
        "The kickoff went well and the sponsor is engaged.",
        "Go live with the first 50 users by the end of the month.",
        "A third failed import would cost trust. Their admin works on this part-time.",
        [
            ("Re-run the data import together with their admin", 1),
            ("Share the go-live checklist", 6),
        ],
        "Their admin is only available in the mornings. Send the agenda by e-mail before a call.",
    ),
    (
        "Renewal talks start next month. Health dropped after the price change was announced; "
        "usage itself is fine.",
        "Renew on the current plan; show the return on investment of the last six months.",
        "Procurement is comparing two competitors, and the CFO is asking for a discount.",
        [
            ("Prepare the ROI summary for the CFO", 7),
            ("Confirm the date of the renewal meeting", 4),
        ],
        "{decider} signs. Bring numbers rather than slides.",
    ),
    (
        "A quiet month: two support tickets, both resolved.",
        "Expand to the marketing team (about 20 seats).",
        "None right now.",
        [("Send the demo invitation to the marketing team", 9)],
        "",
    ),
]

JA_NOTES: list[_Note] = [
    (
        "第二事業部へのSSO展開を進めています。情報システム部から今月中旬までにテスト環境がほしいと"
        "依頼がありました。営業部門の利用は安定していますが、サポート部門はまだ低調です。",
        "契約更新までに問い合わせ対応時間を20%短縮すること。サポート部門にナレッジベースを定着させたい。",
        "{champion}さんが1月に異動予定です。来年度の予算もまだ承認されていません。",
        [
            ("SSOの設定手順とテスト環境の情報を送付", 3),
            ("四半期ビジネスレビューの日程を調整", 12),
            ("経理部からの請求書に関する質問に回答", -2),
        ],
        "定例は毎週火曜10時、{champion}さんと。チャットよりメールを好まれます。"
        "新しいレポート機能は正式発表前なので、提供時期の約束はしないでください。",
    ),
    (
        "導入が遅れています。CSVの文字コードが原因でデータ移行が2回失敗しました。"
        "キックオフの評価は良く、スポンサーも前向きです。",
        "月末までに最初の50ユーザーで本番稼働すること。",
        "3回目の失敗は信頼に関わります。先方の管理者は兼任で、時間が限られています。",
        [("データ移行の再実行を管理者の方と一緒に確認", 1), ("本番稼働チェックリストを共有", 6)],
        "管理者の方は午前中のみ対応可能です。電話の前に議題をメールで送っておくと話が早いです。",
    ),
    (
        "来月から契約更新の協議が始まります。価格改定の案内後にヘルススコアが下がりましたが、"
        "利用状況そのものは良好です。",
        "現行プランでの更新。過去6か月の導入効果(ROI)を示すこと。",
        "購買部門が競合2社と比較中で、CFOから値引きの要望が出ています。",
        [("CFO向けにROIのまとめを作成", 7), ("更新打ち合わせの日程を確定", 4)],
        "決裁者は{decider}さんです。資料よりも数字で示すほうが響きます。",
    ),
    (
        "今月は落ち着いています。問い合わせは2件で、どちらも解決済みです。",
        "マーケティング部門(約20席)への利用拡大。",
        "今のところ特になし。",
        [("マーケティング部門向けデモの案内を送る", 9)],
        "",
    ),
]

EN_EDIT = "Update: {champion} confirmed the test tenant is set up; SSO goes live next week."
JA_EDIT = "追記: テスト環境の準備ができたと{champion}さんから連絡あり。SSOは来週から本番です。"


def add_handoff_notes(store: Store, today: date, seed: int) -> int:
    """Write the demo's notes and my read receipts (journaled); returns how many notes."""
    rng = Random(f"handoff-{seed}")
    me = words.ME_EMAIL
    covered = store.query(
        "SELECT a.id, a.name, p.user_email FROM owners AS o "
        "JOIN accounts AS a ON a.id = o.account_id "
        "JOIN owners AS p ON p.account_id = a.id AND p.role = 'primary' "
        "WHERE o.user_email = ? AND o.role = 'secondary' "
        "ORDER BY o.coverage_from IS NULL, o.coverage_from, a.id LIMIT ?",
        (me, COVERED_WITH_NOTES),
    )
    notes: list[dict[str, Any]] = []
    reads: list[dict[str, Any]] = []

    def ids() -> str:
        return f"{rng.getrandbits(128):032x}"

    for number, (account_id, name, primary) in enumerate(covered):
        japanese = not name.isascii()
        champion, decider, champion_id = _people(store, account_id, japanese)
        texts = JA_NOTES if japanese else EN_NOTES
        written = datetime.combine(today - timedelta(days=number + 1), time(8, 30), UTC)
        chosen = [texts[number % len(texts)]]
        if number == 0:
            chosen.append(texts[3])  # an older, short note too
        for age, note in enumerate(chosen):
            situation, goals, risks, promises, body = note
            fill = {"champion": champion, "decider": decider}
            row = _row(
                ids(),
                account_id,
                primary,
                written - timedelta(days=20 * age),
                today,
                [s.format(**fill) for s in (situation, goals, risks, body)],
                promises,
                [champion_id] if champion_id and age == 0 else [],
                covers=age == 0,
            )
            notes.append(row)
            latest = row
            if number == 0 and age == 0:  # the primary added to it that afternoon
                update = (JA_EDIT if japanese else EN_EDIT).format(**fill)
                latest = {
                    **row,
                    "id": ids(),
                    "version": 2,
                    "parent_id": row["id"],
                    "body": f"{row['body']}\n\n{update}".strip(),
                    "commitments": [
                        {**row["commitments"][0], "done": True},
                        *row["commitments"][1:],
                    ],
                    "created_at": (written + timedelta(hours=6)).isoformat(),
                }
                notes.append(latest)
            if age > 0 or number % 3 == 2:  # older notes, and some others, I have read
                reads.append(
                    {
                        "id": receipt_id(me, row["note_id"]),
                        "note_id": row["note_id"],
                        "account_id": account_id,
                        "reader_email": me,
                        "read_version": latest["version"],
                        "read_at": latest["created_at"],
                    }
                )
    for row in notes:
        HandoffNote.model_validate({k: v for k, v in row.items() if k != "conflict"})
    with store.transaction() as tx:
        insert_many(tx, "handoff_notes", notes)
        insert_many(tx, "handoff_reads", reads)
    return len(notes)


def _people(store: Store, account_id: str, japanese: bool) -> tuple[str, str, str | None]:
    """How the notes name the champion and the decision maker; and the champion's id."""
    rows = store.query(
        "SELECT id, name, is_champion, is_decision_maker FROM contacts WHERE account_id = ? "
        "ORDER BY is_champion DESC, id",
        (account_id,),
    )
    champion = next((row for row in rows if row[2]), rows[0] if rows else None)
    decider = next((row for row in rows if row[3]), champion)

    def called(row: Any) -> str:
        if row is None:
            return "担当者" if japanese else "the main contact"
        name = str(row[1])
        return name.split()[0] if japanese else name  # 山田さん, not 山田 花子さん

    champion_id = str(champion[0]) if champion is not None and champion[2] else None
    return called(champion), called(decider), champion_id


def _row(
    note_id: str,
    account_id: str,
    author: str,
    written: datetime,
    today: date,
    texts: list[str],
    promises: list[tuple[str, int]],
    key_contacts: list[str],
    *,
    covers: bool,
) -> dict[str, Any]:
    situation, goals, risks, body = texts
    return {
        "id": note_id,
        "note_id": note_id,
        "version": 1,
        "parent_id": None,
        "account_id": account_id,
        "author_email": author,
        "situation": situation,
        "goals": goals,
        "risks": risks,
        "commitments": [
            {"text": text, "due": (today + timedelta(days=days)).isoformat(), "done": False}
            for text, days in sorted(promises, key=lambda promise: promise[1])  # as the app does
        ],
        "key_contact_ids": key_contacts,
        "coverage_from": today.isoformat() if covers else None,
        "coverage_to": (today + timedelta(days=21)).isoformat() if covers else None,
        "body": body,
        "created_at": written.isoformat(),
        "conflict": False,
    }
