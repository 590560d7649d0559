"""Time of `csm-tui import accounts` and `import contacts` on CP932 files as Japanese Excel saves
them ("CSV (コンマ区切り)"): 5,000 accounts with Japanese headers and 和暦 dates, then 20,000
contacts (four an account), each through the real entry point in a child process.

    .venv/bin/python bench/import_cp932.py [--accounts 5000] [--contacts-per-account 4]

Measured 2026-12-07 on the shared 2-core box (times inflated by other work):

    5,000 accounts 6.6 s, 20,000 contacts 4.7 s (again, unchanged: 1.1 s): 11.2 s in all
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEGMENTS = ("エンタープライズ", "ミッドマーケット", "SMB", "")
STAGES = ("導入期", "活用期", "契約更新期")
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村")
GIVEN = ("花子", "太郎", "美咲", "健", "さくら", "翔太", "陽菜", "蓮")


def write_accounts(path: Path, count: int, rng: random.Random) -> None:
    lines = ["会社名,取引先ID,セグメント,契約金額,通貨,契約更新日,ヘルススコア,ステージ,タグ"]
    for index in range(count):
        lines.append(
            f"株式会社サクラ{index:05d},CRM-{index:05d},{rng.choice(SEGMENTS)},"
            f'"￥{rng.randrange(100, 50_000) * 1000:,}",JPY,'
            f"令和{rng.randrange(8, 11)}年{rng.randrange(1, 13)}月{rng.randrange(1, 29)}日,"
            f"{rng.randrange(0, 101)},{rng.choice(STAGES)},重点"
        )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))


def write_contacts(path: Path, accounts: int, per_account: int, rng: random.Random) -> None:
    lines = ["取引先ID,姓,名,メールアドレス,役職,ロール"]
    for index in range(accounts):
        for person in range(per_account):
            role = "チャンピオン" if person == 0 else ""
            lines.append(
                f"CRM-{index:05d},{rng.choice(FAMILY)},{rng.choice(GIVEN)},"
                f"p{person}.a{index}@sakura{index}.example.jp,部長,{role}"
            )
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv[3:])} failed:\n{result.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--contacts-per-account", type=int, default=4)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        accounts, contacts, book = root / "accounts.csv", root / "contacts.csv", root / "book.db"
        write_accounts(accounts, args.accounts, rng)
        write_contacts(contacts, args.accounts, args.contacts_per_account, rng)
        cli = [sys.executable, "-m", "csm_tui"]
        env_db = ["--db", str(book)]
        subprocess.run([*cli, "me", "set", "--name", "Bench", "--email", "b@example.com", *env_db],
                       check=True, capture_output=True)  # fmt: skip
        first = timed([*cli, "import", "accounts", str(accounts), *env_db])
        second = timed([*cli, "import", "contacts", str(contacts), *env_db])
        again = timed([*cli, "import", "contacts", str(contacts), *env_db])
        total = args.accounts * args.contacts_per_account
        print(f"{args.accounts:,} accounts from CP932: {first:.1f} s")
        print(
            f"{total:,} contacts from CP932: {second:.1f} s (re-import, unchanged: {again:.1f} s)"
        )
        print(f"accounts + contacts: {first + second:.1f} s")


if __name__ == "__main__":
    main()
