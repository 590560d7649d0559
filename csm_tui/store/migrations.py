"""Ordered schema migrations. `PRAGMA user_version` is the number of migrations applied.

Never edit a migration that has shipped: add a new one at the end.
"""

from __future__ import annotations

# "CSMT": marks the file as csm-tui's, so another program's SQLite file is never mistaken for ours.
APPLICATION_ID = 0x43534D54

MIGRATIONS: list[str] = [
    # 1: the whole first design, including the records later features fill.
    f"PRAGMA application_id = {APPLICATION_ID};"
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE users (
        email TEXT PRIMARY KEY,
        name TEXT NOT NULL
    );
    CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        external_id TEXT UNIQUE,
        name TEXT NOT NULL,
        segment TEXT NOT NULL DEFAULT '',
        contract_value REAL CHECK (contract_value IS NULL OR contract_value >= 0),
        currency TEXT NOT NULL DEFAULT 'USD',
        renewal_date TEXT,
        health_score INTEGER CHECK (health_score IS NULL OR health_score BETWEEN 0 AND 100),
        stage TEXT NOT NULL DEFAULT 'onboarding'
            CHECK (stage IN ('onboarding', 'adoption', 'renewal')),
        tags TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        -- derived, local: the folded text the filter searches (see store/search.py)
        search TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX accounts_name ON accounts (name);
    CREATE TABLE owners (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        user_email TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('primary', 'secondary')),
        coverage_from TEXT,
        coverage_to TEXT,
        coverage_reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        UNIQUE (account_id, user_email)
    );
    CREATE UNIQUE INDEX owners_one_primary ON owners (account_id) WHERE role = 'primary';
    CREATE INDEX owners_user ON owners (user_email, account_id);
    CREATE TABLE contacts (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        role TEXT NOT NULL DEFAULT '',
        email TEXT,
        is_champion INTEGER NOT NULL DEFAULT 0,
        is_decision_maker INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE INDEX contacts_account ON contacts (account_id);
    CREATE TABLE health_snapshots (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        date TEXT NOT NULL,
        score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
        components TEXT NOT NULL DEFAULT '{}',
        UNIQUE (account_id, date)
    );
    CREATE TABLE checklist_items (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        stage TEXT NOT NULL CHECK (stage IN ('onboarding', 'adoption', 'renewal')),
        item_key TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        moment_of_truth INTEGER NOT NULL DEFAULT 0,
        due_date TEXT,
        due_rule TEXT NOT NULL DEFAULT '',
        position INTEGER NOT NULL DEFAULT 0,
        custom INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0,
        done_by TEXT,
        done_at TEXT,
        done_note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX checklist_account ON checklist_items (account_id, stage, position);
    CREATE INDEX checklist_open_due ON checklist_items (due_date) WHERE done = 0;
    CREATE TABLE activities (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        author_email TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('call', 'meeting', 'email', 'chat', 'inquiry',
                                           'training', 'internal', 'other')),
        minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
        occurred_at TEXT NOT NULL,
        proactive INTEGER NOT NULL DEFAULT 0,
        recurring INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL DEFAULT 'none'
            CHECK (outcome IN ('resolved', 'follow_up', 'risk_found', 'expansion', 'none')),
        note TEXT NOT NULL DEFAULT '',
        checklist_item_id TEXT REFERENCES checklist_items (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX activities_account_time ON activities (account_id, occurred_at);
    CREATE INDEX activities_time ON activities (occurred_at);
    CREATE TABLE handoff_notes (
        id TEXT PRIMARY KEY,
        note_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        parent_id TEXT,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        author_email TEXT NOT NULL,
        situation TEXT NOT NULL DEFAULT '',
        goals TEXT NOT NULL DEFAULT '',
        risks TEXT NOT NULL DEFAULT '',
        commitments TEXT NOT NULL DEFAULT '[]',
        key_contact_ids TEXT NOT NULL DEFAULT '[]',
        coverage_from TEXT,
        coverage_to TEXT,
        body TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE INDEX handoff_account ON handoff_notes (account_id, created_at);
    CREATE INDEX handoff_note ON handoff_notes (note_id, version);
    CREATE TABLE journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        table_name TEXT NOT NULL,
        row_id TEXT NOT NULL,
        operation TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 2: roadmap checklists: when the account entered its current stage (due rules count from it),
    # and open items per account for the overdue counts of the book.
    """
    ALTER TABLE accounts ADD COLUMN stage_started_on TEXT;
    CREATE INDEX checklist_open_account ON checklist_items (account_id, due_date) WHERE done = 0;
    """,
    # 3: handoff notes. `conflict` marks a version saved from an older one while a newer existed
    # (a sibling kept beside the head, never an overwrite). Read receipts per note and reader are
    # user data that sync to the reader's other devices: one row per (reader, note), a stable id
    # derived from both, `read_version` 0 = unread; a newer version makes the note unread again.
    """
    ALTER TABLE handoff_notes ADD COLUMN conflict INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE handoff_reads (
        id TEXT PRIMARY KEY,
        note_id TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        reader_email TEXT NOT NULL,
        read_version INTEGER NOT NULL DEFAULT 0 CHECK (read_version >= 0),
        read_at TEXT,
        UNIQUE (reader_email, note_id)
    );
    CREATE INDEX handoff_reads_account ON handoff_reads (account_id, reader_email);
    """,
    # 4: team sync. The journal is the outbox: entries after `acked_through` in sync_state are
    # pending, those up to it were acknowledged by the server (kept, so they can be sent again
    # to a server restored from a backup). sync_state also holds the server, this device's id
    # and the pull cursor, each written in the same transaction as what it describes.
    # sync_rejected keeps what the server refused, with the reason, for the user to see.
    """
    CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE sync_rejected (
        seq INTEGER PRIMARY KEY,
        mutation_id TEXT NOT NULL,
        table_name TEXT NOT NULL,
        row_id TEXT NOT NULL,
        operation TEXT NOT NULL,
        payload TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        rejected_at TEXT NOT NULL
    );
    """,
    # 5: usage metrics per account and day or week (imported from CSV, later synced): the leading
    # signals of health. One row per (account, period, start), so a re-import updates in place.
    # Counts may be NULL: a source that does not report a measure leaves it unknown, not zero.
    # The period index answers "the latest week in the book" without a scan.
    """
    CREATE TABLE usage_metrics (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        period TEXT NOT NULL CHECK (period IN ('day', 'week')),
        period_start TEXT NOT NULL,
        logins INTEGER,
        active_users INTEGER,
        key_feature_uses INTEGER,
        inquiries INTEGER,
        new_users INTEGER,
        created_at TEXT NOT NULL,
        UNIQUE (account_id, period, period_start)
    );
    CREATE INDEX usage_metrics_period ON usage_metrics (period, period_start);
    """,
    # 6: tasks (by hand, or created by a playbook rule) and the playbook occurrences that fired.
    # A rule's occurrence fires once: its row in playbook_firings says so, on every device (the
    # table is journaled like the tasks it made), and the ids of both are derived from the rule,
    # account and occurrence, so two devices firing the same occurrence write the same rows.
    # `remind_on` makes a task a reminder: it stays out of Today until that day.
    """
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        title_ja TEXT NOT NULL DEFAULT '',
        due_date TEXT,
        remind_on TEXT,
        checklist_item_id TEXT REFERENCES checklist_items (id) ON DELETE SET NULL,
        source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'playbook')),
        rule_id TEXT NOT NULL DEFAULT '',
        occurrence TEXT NOT NULL DEFAULT '',
        assignee_email TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        done_at TEXT,
        done_by TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX tasks_open ON tasks (assignee_email, due_date) WHERE done = 0;
    CREATE INDEX tasks_open_account ON tasks (account_id) WHERE done = 0;
    CREATE TABLE playbook_firings (
        id TEXT PRIMARY KEY,
        rule_id TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        occurrence TEXT NOT NULL,
        fired_at TEXT NOT NULL,
        tasks INTEGER NOT NULL DEFAULT 0,
        UNIQUE (rule_id, account_id, occurrence)
    );
    """,
    # 7: the Effort screen's analytics read only these columns of a time range: an index holding
    # all of them answers without touching the table (about 20 MB on 200,000 activities). It
    # starts with occurred_at, so the old time index is redundant.
    """
    CREATE INDEX activities_effort ON activities
        (occurred_at, author_email, account_id, type, proactive, recurring, minutes);
    DROP INDEX activities_time;
    """,
    # 8: the CRM connector's local state, never journaled or synced (the server keeps its own).
    # crm_state: the connection (vendor, address, mapping, owner ids) and one cursor per object
    # type, each written in the transaction of the page it describes. crm_records: which local
    # row a CRM record became (and what the book has no column for, like a contact's phone).
    # crm_links: the CRM id of each pushed activity; no foreign key, so a deleted activity's
    # link stays to delete its engagement. `sending` is committed before the create request:
    # found on the next pass, it means "outcome unknown, look it up before creating again".
    """
    CREATE TABLE crm_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE crm_records (
        crm TEXT NOT NULL,
        object TEXT NOT NULL,
        crm_id TEXT NOT NULL,
        local_id TEXT NOT NULL,
        parent_id TEXT,
        state TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'archived', 'moved')),
        extra TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (crm, object, crm_id)
    );
    CREATE INDEX crm_records_local ON crm_records (local_id);
    CREATE INDEX crm_records_parent ON crm_records (parent_id);
    CREATE TABLE crm_links (
        activity_id TEXT PRIMARY KEY,
        crm TEXT NOT NULL,
        object_type TEXT NOT NULL,
        crm_id TEXT,
        state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed', 'deleted')),
        pushed_hash TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    );
    """,
    # 9: the calendar (issue 15), local to this machine and never journaled: every journal entry
    # is pushed, and the team server has no table for these. calendar_sources: where events come
    # from (the secret part, a URL or a password, is in the OS keyring, never here).
    # calendar_events: the occurrences of the last sync in the window, matched to accounts.
    # calendar_seen: what the CSM did with an occurrence (`key` = UID + RECURRENCE-ID, or the UID
    # alone; `series:` + UID for a dismissed series), with the start and minutes it had then,
    # so a re-sync never proposes it again and a moved or longer meeting shows as changed.
    """
    CREATE TABLE calendar_sources (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('file', 'url', 'caldav')),
        label TEXT NOT NULL,
        user_name TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL,
        synced_at TEXT
    );
    CREATE TABLE calendar_events (
        key TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        uid TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        minutes INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        account_ids TEXT NOT NULL DEFAULT '[]',
        kind TEXT NOT NULL DEFAULT 'meeting',
        proactive INTEGER NOT NULL DEFAULT 0,
        recurring INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX calendar_events_source ON calendar_events (source);
    CREATE TABLE calendar_seen (
        key TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('logged', 'dismissed')),
        starts_at TEXT NOT NULL DEFAULT '',
        minutes INTEGER NOT NULL DEFAULT 0,
        activity_id TEXT,
        seen_at TEXT NOT NULL
    );
    """,
    # 10: what the CSM did with a calendar meeting syncs with the book after all (issue 15), so
    # two devices agree: calendar_marks replaces migration 9's local calendar_seen. Journaled,
    # on the account the meeting was logged for (or, dismissed, its first account), and private
    # to its user like a read receipt: a colleague at the same meeting logs their own time. Its
    # id is derived from the user and the key, so two devices marking one meeting write one row.
    """
    DROP TABLE calendar_seen;
    CREATE TABLE calendar_marks (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        user_email TEXT NOT NULL,
        key TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('logged', 'dismissed')),
        starts_at TEXT NOT NULL DEFAULT '',
        minutes INTEGER NOT NULL DEFAULT 0,
        activity_id TEXT,
        marked_at TEXT NOT NULL,
        UNIQUE (user_email, key)
    );
    """,
    # 11: the Trends view (issue 16) counts each month's outcomes too: migration 7's covering
    # index gains the outcome, so a year of rates is read from the index alone (on 200,000
    # activities, 45 ms instead of 285 ms with a lookup per row). Same name: the Effort queries
    # name it.
    """
    DROP INDEX activities_effort;
    CREATE INDEX activities_effort ON activities
        (occurred_at, author_email, account_id, type, proactive, recurring, minutes, outcome);
    """,
    # 12: an account can be archived (issue 14): kept with everything it holds, hidden from the
    # book and Today, restorable. The day it was archived, synced with the account's row (the
    # server keeps rows as JSON: no server migration).
    """
    ALTER TABLE accounts ADD COLUMN archived_on TEXT;
    """,
    # 13: a renewal's outcome (issue 14): renewed, churned, downgraded or expanded, on which
    # day, the contract value and renewal date before and after; journaled and synced, so the
    # renewals report reads the same on every device.
    """
    CREATE TABLE renewals (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('renewed', 'churned', 'downgraded', 'expanded')),
        recorded_on TEXT NOT NULL,
        renewal_date TEXT,
        new_renewal_date TEXT,
        previous_value REAL,
        new_value REAL,
        currency TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        recorded_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE INDEX renewals_recorded ON renewals (recorded_on, account_id);
    """,
    # 14: a contact's phone number, and the key contact mark besides champion and decision
    # maker (issue 14); synced with the contact's row.
    """
    ALTER TABLE contacts ADD COLUMN phone TEXT NOT NULL DEFAULT '';
    ALTER TABLE contacts ADD COLUMN is_key INTEGER NOT NULL DEFAULT 0;
    """,
    # 15: an account set aside on Today until a day, with a reason (issue 14). The CSM's own:
    # journaled, synced, and private to its user like a calendar mark (a colleague's Today is
    # theirs). One row per user and account, its id derived from both, so two devices snoozing
    # one account write one row; "back" is `until` moved to today (rows are never deleted).
    """
    CREATE TABLE account_snoozes (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        user_email TEXT NOT NULL,
        until TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        snoozed_on TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX account_snoozes_user ON account_snoozes (user_email, until);
    """,
    # Work for many customers (issue 16): an activity is for one account (account_id set, as
    # before), a segment (its name), several accounts (their ids, a JSON list) or nobody in
    # particular (a webinar, help content). Only one-account work has an account_id, so every
    # per-account query stays right, and "one-to-many" is `account_id IS NULL`, which the
    # covering index already holds. SQLite cannot drop a NOT NULL: the table is rebuilt (no
    # table references activities; the journal keeps ids, which do not change).
    """
    CREATE TABLE activities_new (
        id TEXT PRIMARY KEY,
        account_id TEXT REFERENCES accounts (id) ON DELETE CASCADE,
        author_email TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('call', 'meeting', 'email', 'chat', 'inquiry',
                                           'training', 'internal', 'other')),
        minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
        occurred_at TEXT NOT NULL,
        proactive INTEGER NOT NULL DEFAULT 0,
        recurring INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL DEFAULT 'none'
            CHECK (outcome IN ('resolved', 'follow_up', 'risk_found', 'expansion', 'none')),
        note TEXT NOT NULL DEFAULT '',
        checklist_item_id TEXT REFERENCES checklist_items (id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        audience TEXT NOT NULL DEFAULT 'account'
            CHECK (audience IN ('account', 'segment', 'accounts', 'none')),
        audience_segment TEXT NOT NULL DEFAULT '',
        audience_accounts TEXT NOT NULL DEFAULT '[]',
        CHECK ((audience = 'account') = (account_id IS NOT NULL))
    );
    INSERT INTO activities_new (id, account_id, author_email, type, minutes, occurred_at,
        proactive, recurring, outcome, note, checklist_item_id, created_at, updated_at)
    SELECT id, account_id, author_email, type, minutes, occurred_at, proactive, recurring,
        outcome, note, checklist_item_id, created_at, updated_at FROM activities;
    DROP TABLE activities;
    ALTER TABLE activities_new RENAME TO activities;
    CREATE INDEX activities_account_time ON activities (account_id, occurred_at);
    CREATE INDEX activities_effort ON activities
        (occurred_at, author_email, account_id, type, proactive, recurring, minutes, outcome);
    """,
    # The skills a piece of work needed (issue 16): a JSON list of the skills of `[activities]
    # skills` in config.toml (built-in keys or the user's own words); synced with the row.
    """
    ALTER TABLE activities ADD COLUMN skills TEXT NOT NULL DEFAULT '[]';
    """,
    # A change of an account's champion, with its day (issue 14): a moment of truth that opens
    # the champion_change playbook trigger. Journaled and synced (the team sees it); the
    # contacts' ids are kept as text, so a record outlives a removed contact, and their names
    # as they were. And renewals by account: the book shows each account's last outcome.
    """
    CREATE TABLE champion_changes (
        id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        contact_id TEXT,
        contact_name TEXT NOT NULL DEFAULT '',
        previous_contact_id TEXT,
        previous_name TEXT NOT NULL DEFAULT '',
        changed_on TEXT NOT NULL,
        changed_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    );
    CREATE INDEX champion_changes_day ON champion_changes (changed_on, account_id);
    CREATE INDEX renewals_account ON renewals (account_id, recorded_on);
    """,
    # Who took part (issue 16): the account's contacts at a piece of work, a JSON list of their
    # ids, synced with the row. The index holds only activities that name someone, by account
    # and time: "when was the champion last met" reads those alone.
    """
    ALTER TABLE activities ADD COLUMN participants TEXT NOT NULL DEFAULT '[]';
    CREATE INDEX activities_met ON activities (account_id, occurred_at)
        WHERE participants <> '[]';
    """,
    # A calendar meeting's attendees (their e-mails, a JSON list; local like the events): a
    # meeting logged from the calendar names the account's contacts among them (issue 16).
    """
    ALTER TABLE calendar_events ADD COLUMN attendees TEXT NOT NULL DEFAULT '[]';
    """,
    # Communication signals (issue 16), per account and day or week like its usage: surveys
    # sent and answered, NPS (-100..100), CSAT (% satisfied), feedback items, events invited to
    # and attended. NULL: not reported. Synced with the row (sync/rows.py ADDED_LATER).
    """
    ALTER TABLE usage_metrics ADD COLUMN surveys_sent INTEGER;
    ALTER TABLE usage_metrics ADD COLUMN surveys_answered INTEGER;
    ALTER TABLE usage_metrics ADD COLUMN nps INTEGER;
    ALTER TABLE usage_metrics ADD COLUMN csat INTEGER;
    ALTER TABLE usage_metrics ADD COLUMN feedback_items INTEGER;
    ALTER TABLE usage_metrics ADD COLUMN events_invited INTEGER;
    ALTER TABLE usage_metrics ADD COLUMN events_attended INTEGER;
    """,
    # The Trends view (issue 16) reads a year of outcomes and minutes by account segment: an
    # index led by the UTC month (`substr(occurred_at, 1, 7)`, then author and account) lets
    # it group by month, author and account in index order, without sorting 200,000 rows
    # (store/trends.py). occurred_at is kept whole at its end: SQLite reads an expression
    # index as covering only when it holds the columns the expression uses.
    """
    CREATE INDEX activities_trends ON activities
        (substr(occurred_at, 1, 7), author_email, account_id, minutes, outcome, occurred_at);
    """,
    # Communication rates by month (issue 16): only the rows that carry a signal, by day, with
    # the counts the rates sum (store/metrics.py SIGNAL_MONTHS reads it as covering): the Health
    # screen's months of a 5,000-account book without reading its usage rows.
    """
    CREATE INDEX usage_metrics_signals ON usage_metrics
        (period_start, account_id, surveys_sent, surveys_answered, nps, feedback_items,
         events_invited, events_attended)
        WHERE surveys_sent IS NOT NULL OR surveys_answered IS NOT NULL OR nps IS NOT NULL
            OR feedback_items IS NOT NULL OR events_invited IS NOT NULL
            OR events_attended IS NOT NULL;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
