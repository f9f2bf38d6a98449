CREATE TABLE access_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER,
        session TEXT,  -- a digest of the session id (the id itself would log a credential)
        kind TEXT NOT NULL CHECK (kind IN ('task', 'media', 'export')),
        task_id INTEGER,
        media_id INTEGER,
        project_id INTEGER NOT NULL,
        client_id INTEGER,
        items INTEGER NOT NULL DEFAULT 1 CHECK (items >= 0)  -- an export: tasks in it
);

CREATE TABLE access_log_recent (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER,
        session TEXT,  -- a digest of the session id (the id itself would log a credential)
        kind TEXT NOT NULL CHECK (kind IN ('task', 'media', 'export')),
        task_id INTEGER,
        media_id INTEGER,
        project_id INTEGER NOT NULL,
        client_id INTEGER,
        items INTEGER NOT NULL DEFAULT 1 CHECK (items >= 0)  -- an export: tasks in it
);

CREATE TABLE agreement_by_day (
            project_id INTEGER NOT NULL,
            day TEXT NOT NULL,  -- India's day of the task's last answer
            answer_key TEXT NOT NULL,  -- an answer as compared (core.tasktypes.normalise)
            answers INTEGER NOT NULL,  -- in tasks with two answers or more
            PRIMARY KEY (project_id, day, answer_key)
        ) WITHOUT ROWID;

CREATE TABLE answers_by_day (
            user_id INTEGER NOT NULL REFERENCES users(id),
            day TEXT NOT NULL,  -- India's day, YYYY-MM-DD
            answers INTEGER NOT NULL,
            earned_paise INTEGER NOT NULL, pending INTEGER NOT NULL DEFAULT 0, accepted INTEGER NOT NULL DEFAULT 0, accepted_paise INTEGER NOT NULL DEFAULT 0,  -- pay of the answers not rejected
            PRIMARY KEY (user_id, day)
        ) WITHOUT ROWID;

CREATE TABLE answers_by_project (
            project_id INTEGER PRIMARY KEY REFERENCES projects(id),
            answers INTEGER NOT NULL
        );

CREATE VIEW appeal_deciders AS
        SELECT a.id AS assignment_id, u.id AS user_id, u.role, u.name
        FROM assignments a JOIN projects p ON p.id = a.project_id
        JOIN centres c ON c.id = p.centre_id
        LEFT JOIN appeals ap ON ap.assignment_id = a.id
        JOIN users u ON u.active = 1 AND u.role IN ('admin', 'supervisor')
        WHERE u.id IS NOT (CASE WHEN ap.id IS NULL THEN a.reviewed_by ELSE ap.rejected_by END)
          AND (u.role = 'admin' OR (u.centre_id = p.centre_id AND (
            u.id = c.appeals_by
            OR c.appeals_by IS NULL
            OR c.appeals_by IS (CASE WHEN ap.id IS NULL THEN a.reviewed_by
                                ELSE ap.rejected_by END)
            OR NOT EXISTS (SELECT 1 FROM users n WHERE n.id = c.appeals_by AND n.active = 1
                           AND n.role = 'supervisor' AND n.centre_id = c.id))));

CREATE TABLE appeals (
            id INTEGER PRIMARY KEY,
            assignment_id INTEGER NOT NULL UNIQUE REFERENCES assignments(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            note TEXT NOT NULL,
            created_at TEXT NOT NULL,
            rejected_by INTEGER REFERENCES users(id),
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'upheld', 'overturned')),
            decided_by INTEGER REFERENCES users(id),
            decided_at TEXT,
            decision_note TEXT
        );

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES tasks(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    state TEXT NOT NULL DEFAULT 'active'
        CHECK (state IN ('active', 'submitted', 'skipped', 'reported')),
    claimed_at TEXT NOT NULL,
    lease_expires_at TEXT NOT NULL,
    answer TEXT,
    reason TEXT,
    submitted_at TEXT,
    seconds_spent INTEGER,
    review_state TEXT CHECK (review_state IN ('pending', 'accepted', 'rejected')),
    pay_paise INTEGER NOT NULL DEFAULT 0,
    payout_id INTEGER REFERENCES payouts(id), reviewed_by INTEGER REFERENCES users(id), reviewed_at TEXT, reject_reason TEXT, review_note TEXT, review_reason TEXT CHECK (review_reason IS NULL OR review_reason IN ('sample', 'disagree', 'check', 'fast', 'first', 'watch')),
    UNIQUE (task_id, user_id)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE centres (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
, min_wage_paise_per_hour INTEGER NOT NULL DEFAULT 0 CHECK (min_wage_paise_per_hour >= 0), languages TEXT NOT NULL DEFAULT '["en"]' CHECK (json_valid(languages) AND json_type(languages) = 'array' AND json_array_length(languages) >= 1), appeals_by INTEGER REFERENCES users(id), second_factor_for_money INTEGER NOT NULL DEFAULT 0 CHECK (second_factor_for_money IN (0, 1)));

CREATE TABLE clients (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        name TEXT NOT NULL CHECK (length(trim(name)) BETWEEN 1 AND 80),
        created_at TEXT NOT NULL, watermark INTEGER NOT NULL DEFAULT 1 CHECK (watermark IN (0, 1)),
        UNIQUE (centre_id, name)
    );

CREATE TABLE consents (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        at TEXT NOT NULL,
        session TEXT  -- a digest of the session id, as the access log keeps it
    );

CREATE TABLE disagreement_by_day (
            project_id INTEGER NOT NULL,
            day TEXT NOT NULL,
            m INTEGER NOT NULL,  -- answers in the task
            tasks INTEGER NOT NULL,
            pairs INTEGER NOT NULL,  -- sum over its groups of c equal answers of c * (m - c)
            PRIMARY KEY (project_id, day, m)
        ) WITHOUT ROWID;

CREATE TABLE gold_by_day (
            project_id INTEGER NOT NULL,
            day TEXT NOT NULL,  -- India's day of the answer
            answers INTEGER NOT NULL,  -- answers to check tasks
            correct INTEGER NOT NULL,
            PRIMARY KEY (project_id, day)
        ) WITHOUT ROWID;

CREATE TABLE gold_stats (
            user_id INTEGER NOT NULL REFERENCES users(id),
            project_id INTEGER NOT NULL REFERENCES projects(id),
            answered INTEGER NOT NULL DEFAULT 0 CHECK (answered >= 0),
            right_count INTEGER NOT NULL DEFAULT 0 CHECK (right_count BETWEEN 0 AND answered),
            judged_answered INTEGER NOT NULL DEFAULT 0 CHECK (judged_answered >= 0),
            judged_right INTEGER NOT NULL DEFAULT 0
                CHECK (judged_right BETWEEN 0 AND judged_answered),
            gold_slot INTEGER,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (user_id, project_id)
        );

CREATE TABLE "labels" (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (project_id, value)
);

CREATE TABLE languages (code TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL
, device TEXT, known INTEGER NOT NULL DEFAULT 0);

CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL
, kind TEXT NOT NULL DEFAULT 'image' CHECK (kind IN ('image', 'audio')), duration_ms INTEGER CHECK (duration_ms IS NULL OR duration_ms >= 0), original BLOB, original_type TEXT, user_id INTEGER REFERENCES users(id));

CREATE TABLE payable (
            assignment_id INTEGER PRIMARY KEY,  -- assignments(id), taken out with it
            user_id INTEGER NOT NULL,
            submitted_at TEXT NOT NULL,
            pay_paise INTEGER NOT NULL
        );

CREATE TABLE payment_details (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('vpa', 'bank_account')),
    upi_id TEXT,
    account_number TEXT,
    ifsc TEXT,
    entered_by INTEGER NOT NULL REFERENCES users(id),
    entered_at TEXT NOT NULL,
    confirmed_by INTEGER REFERENCES users(id),
    confirmed_at TEXT, account_name TEXT, refused_by INTEGER REFERENCES users(id), refused_at TEXT, refusal_reason TEXT,
    CHECK ((kind = 'vpa') = (upi_id IS NOT NULL AND account_number IS NULL AND ifsc IS NULL)),
    CHECK ((kind = 'bank_account') = (account_number IS NOT NULL AND ifsc IS NOT NULL
                                      AND upi_id IS NULL)),
    CHECK (confirmed_by IS NULL OR confirmed_by <> user_id)
);

CREATE TABLE payout_failure_reports (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL UNIQUE REFERENCES payout_lines(id),
    reason TEXT NOT NULL CHECK (length(reason) > 0),
    reported_by INTEGER NOT NULL REFERENCES users(id),
    reported_at TEXT NOT NULL
);

CREATE TABLE payout_items (
    id INTEGER PRIMARY KEY,
    payout_id INTEGER NOT NULL REFERENCES payouts(id),
    line_id INTEGER NOT NULL REFERENCES payout_lines(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    pay_paise INTEGER NOT NULL CHECK (pay_paise >= 0),
    live INTEGER NOT NULL DEFAULT 1 CHECK (live IN (0, 1))
);

CREATE TABLE payout_line_retries (
    line_id INTEGER NOT NULL REFERENCES payout_lines(id),
    failed_line_id INTEGER NOT NULL REFERENCES payout_lines(id),
    PRIMARY KEY (line_id, failed_line_id),
    CHECK (failed_line_id < line_id)
) WITHOUT ROWID;

CREATE TABLE payout_lines (
    id INTEGER PRIMARY KEY,
    payout_id INTEGER NOT NULL REFERENCES payouts(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    payment_detail_id INTEGER NOT NULL REFERENCES payment_details(id),
    answers INTEGER NOT NULL CHECK (answers > 0),
    items_paise INTEGER NOT NULL CHECK (items_paise >= 0),
    bonus_paise INTEGER NOT NULL DEFAULT 0 CHECK (bonus_paise >= 0),
    bonus_reason TEXT NOT NULL DEFAULT '',
    amount_paise INTEGER NOT NULL, amount_set_by INTEGER REFERENCES users(id),
    UNIQUE (payout_id, user_id),
    CHECK (amount_paise = items_paise + bonus_paise),
    CHECK (bonus_paise = 0 OR length(bonus_reason) > 0)
);

CREATE TABLE payout_results (
    id INTEGER PRIMARY KEY,
    line_id INTEGER NOT NULL UNIQUE REFERENCES payout_lines(id),
    status TEXT NOT NULL CHECK (status IN ('paid', 'failed')),
    utr TEXT NOT NULL DEFAULT '',
    failure_reason TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL, source TEXT NOT NULL DEFAULT 'manual'
    CHECK (source IN ('manual', 'bank_file')),
    CHECK (status <> 'paid' OR length(utr) > 0),
    CHECK (status <> 'failed' OR length(failure_reason) > 0)
);

CREATE TABLE payouts (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'approved', 'void')),
    total_paise INTEGER NOT NULL DEFAULT 0 CHECK (total_paise >= 0),
    drafted_by INTEGER NOT NULL REFERENCES users(id),
    drafted_at TEXT NOT NULL,
    approved_by INTEGER REFERENCES users(id),
    approved_at TEXT,
    voided_by INTEGER REFERENCES users(id),
    voided_at TEXT, version INTEGER NOT NULL DEFAULT 1,
    CHECK (period_start <= period_end),
    CHECK (approved_by IS NULL OR approved_by <> drafted_by),
    CHECK ((status = 'approved') = (approved_by IS NOT NULL AND approved_at IS NOT NULL))
);

CREATE TABLE "projects" (
    id INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    slug TEXT NOT NULL UNIQUE,
    task_type TEXT NOT NULL CHECK (task_type IN ('single_choice', 'yes_no', 'free_text', 'record', 'verify_recording', 'transcribe', 'photo')),
    -- Its content's languages as a JSON array, the first shown when hers is missing.
    languages TEXT NOT NULL DEFAULT '["en"]' CHECK (json_valid(languages)
        AND json_type(languages) = 'array' AND json_array_length(languages) >= 1),
    -- Bumped by triggers whenever its texts or labels change: the task card's cache key.
    content_version INTEGER NOT NULL DEFAULT 0,
    redundancy INTEGER NOT NULL DEFAULT 3 CHECK (redundancy >= 1),
    pay_paise INTEGER NOT NULL CHECK (pay_paise >= 0),
    lease_seconds INTEGER NOT NULL DEFAULT 900 CHECK (lease_seconds > 0),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'live' CHECK (status IN ('draft', 'live', 'paused', 'closed')),
    gold_share REAL NOT NULL DEFAULT 0.1 CHECK (gold_share >= 0 AND gold_share <= 1),
    min_gold_accuracy REAL NOT NULL DEFAULT 0.7
        CHECK (min_gold_accuracy >= 0 AND min_gold_accuracy <= 1),
    gold_min_answers INTEGER NOT NULL DEFAULT 10 CHECK (gold_min_answers >= 1),
    max_answers INTEGER NOT NULL DEFAULT 5 CHECK (max_answers >= 1),
    agreement_threshold REAL NOT NULL DEFAULT 0.6
        CHECK (agreement_threshold > 0 AND agreement_threshold <= 1),
    min_seconds INTEGER NOT NULL DEFAULT 2 CHECK (min_seconds >= 0),
    review_window_days INTEGER NOT NULL DEFAULT 3 CHECK (review_window_days >= 1),
    appeal_window_days INTEGER NOT NULL DEFAULT 7 CHECK (appeal_window_days >= 1),
    -- NULL: any script (0013_answer_script, core/scripts.py).
    answer_script TEXT CHECK (answer_script IS NULL OR
        (answer_script IN ('Taml', 'Deva', 'Knda', 'Telu', 'Latn')
         AND task_type IN ('free_text', 'transcribe')))
, review_share REAL NOT NULL DEFAULT 0 CHECK (review_share >= 0 AND review_share <= 1), review_first INTEGER NOT NULL DEFAULT 0 CHECK (review_first >= 0 AND review_first <= 1000), review_disagree INTEGER NOT NULL DEFAULT 1 CHECK (review_disagree IN (0, 1)), review_check INTEGER NOT NULL DEFAULT 1 CHECK (review_check IN (0, 1)), review_fast INTEGER NOT NULL DEFAULT 0 CHECK (review_fast IN (0, 1)), watch_above REAL NOT NULL DEFAULT 0.25 CHECK (watch_above > 0 AND watch_above < 1), review_seed INTEGER NOT NULL DEFAULT 0, batch_size INTEGER NOT NULL DEFAULT 20 CHECK (batch_size BETWEEN 1 AND 100), batch_lease_seconds INTEGER NOT NULL DEFAULT 7200 CHECK (batch_lease_seconds BETWEEN 600 AND 43200), batch_share_percent INTEGER NOT NULL DEFAULT 20 CHECK (batch_share_percent BETWEEN 1 AND 100), max_record_seconds INTEGER NOT NULL DEFAULT 15 CHECK (max_record_seconds BETWEEN 2 AND 120), verified_by_project_id INTEGER REFERENCES projects(id), transcribed_by_project_id INTEGER REFERENCES projects(id), photo_max_px INTEGER NOT NULL DEFAULT 1280 CHECK (photo_max_px BETWEEN 320 AND 4096), photo_max_bytes INTEGER NOT NULL DEFAULT 204800 CHECK (photo_max_bytes BETWEEN 20480 AND 2097152), keep_location INTEGER NOT NULL DEFAULT 0 CHECK (keep_location IN (0, 1)), cer_threshold REAL NOT NULL DEFAULT 0.1 CHECK (cer_threshold >= 0 AND cer_threshold <= 0.5), client_id INTEGER REFERENCES clients(id), retention_days INTEGER
    CHECK (retention_days IS NULL OR retention_days BETWEEN 0 AND 3650), closed_at TEXT, purged_at TEXT, personal_data TEXT NOT NULL DEFAULT 'mask' CHECK (personal_data IN ('mask', 'refuse')));

CREATE TABLE purges (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    slug TEXT NOT NULL,  -- the project's, kept in the record whatever becomes of it
    status TEXT NOT NULL DEFAULT 'asked'
        CHECK (status IN ('asked', 'approved', 'done', 'cancelled')),
    asked_by INTEGER NOT NULL REFERENCES users(id),
    asked_at TEXT NOT NULL,
    approved_by INTEGER REFERENCES users(id),
    approved_at TEXT,
    done_at TEXT,
    tasks INTEGER, answers INTEGER, media INTEGER, texts INTEGER,
    content_bytes INTEGER,
    sha256 TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
    CHECK (status IN ('asked', 'cancelled') OR (approved_by IS NOT NULL
        AND approved_by <> asked_by AND approved_at IS NOT NULL)),
    CHECK (status <> 'done' OR (done_at IS NOT NULL AND sha256 IS NOT NULL))
);

CREATE TABLE qualifications (
    user_id INTEGER NOT NULL REFERENCES users(id),
    project_id INTEGER NOT NULL REFERENCES projects(id),
    status TEXT NOT NULL CHECK (status IN ('trainee', 'qualified', 'paused')),
    updated_at TEXT NOT NULL, reason TEXT, changed_by INTEGER REFERENCES users(id),
    PRIMARY KEY (user_id, project_id)
);

CREATE TABLE quality_by_person (
            project_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            answers INTEGER NOT NULL,  -- submitted
            skips INTEGER NOT NULL,  -- skipped or reported
            gold INTEGER NOT NULL,  -- answers to check tasks
            gold_right INTEGER NOT NULL,
            compared INTEGER NOT NULL,  -- answers to tasks with a majority (not check tasks)
            agree INTEGER NOT NULL,  -- of those, the same as the majority
            PRIMARY KEY (project_id, user_id)
        ) WITHOUT ROWID;

CREATE TABLE quiz_attempt_questions (
            attempt_id INTEGER NOT NULL REFERENCES quiz_attempts(id),
            position INTEGER NOT NULL CHECK (position >= 1),
            question_id INTEGER NOT NULL REFERENCES quiz_questions(id),
            answer TEXT,
            correct INTEGER CHECK (correct IN (0, 1)),
            answered_at TEXT,
            PRIMARY KEY (attempt_id, position)
        );

CREATE TABLE quiz_attempts (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            project_id INTEGER NOT NULL REFERENCES projects(id),
            started_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            finished_at TEXT,
            total INTEGER NOT NULL CHECK (total >= 1),
            correct INTEGER,
            passed INTEGER CHECK (passed IN (0, 1)),
            pass_percent INTEGER NOT NULL,
            counted INTEGER NOT NULL DEFAULT 1 CHECK (counted IN (0, 1))
        );

CREATE TABLE "quiz_questions" (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    media_id INTEGER REFERENCES media(id),
    answers TEXT NOT NULL CHECK (json_valid(answers) AND json_array_length(answers) >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE quizzes (
            project_id INTEGER PRIMARY KEY REFERENCES projects(id),
            active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
            questions_per_attempt INTEGER NOT NULL DEFAULT 10
                CHECK (questions_per_attempt BETWEEN 1 AND 100),
            pass_percent INTEGER NOT NULL DEFAULT 80 CHECK (pass_percent BETWEEN 1 AND 100),
            cooldown_hours INTEGER NOT NULL DEFAULT 24 CHECK (cooldown_hours BETWEEN 0 AND 720),
            max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 20),
            attempt_minutes INTEGER NOT NULL DEFAULT 60 CHECK (attempt_minutes BETWEEN 5 AND 1440),
            updated_at TEXT NOT NULL
        );

CREATE TABLE review_bulk_items (
    bulk_id INTEGER NOT NULL REFERENCES review_bulks(id),
    assignment_id INTEGER NOT NULL REFERENCES assignments(id),
    PRIMARY KEY (bulk_id, assignment_id)
) WITHOUT ROWID;

CREATE TABLE review_bulks (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL REFERENCES users(id),
    centre_id INTEGER REFERENCES centres(id),
    at TEXT NOT NULL,
    answers INTEGER NOT NULL CHECK (answers > 0),
    paise INTEGER NOT NULL CHECK (paise >= 0),
    too_fast INTEGER NOT NULL DEFAULT 0 CHECK (too_fast BETWEEN 0 AND answers),
    filters TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(filters)),
    undone_at TEXT,
    undone_by INTEGER REFERENCES users(id),
    CHECK ((undone_at IS NULL) = (undone_by IS NULL))
);

CREATE TABLE review_people (
            project_id INTEGER NOT NULL REFERENCES projects(id),
            user_id INTEGER NOT NULL REFERENCES users(id),
            watched INTEGER NOT NULL DEFAULT 0 CHECK (watched IN (0, 1)),
            since TEXT,  -- when the watch began
            by INTEGER REFERENCES users(id),  -- who put it; NULL: her error rate
            lifted_at TEXT,  -- the last lift; her error rate counts from it
            lifted_by INTEGER REFERENCES users(id),
            answered_at_least INTEGER NOT NULL DEFAULT 0 CHECK (answered_at_least >= 0),
            CHECK (watched = 0 OR since IS NOT NULL),
            PRIMARY KEY (project_id, user_id)
        ) WITHOUT ROWID;

CREATE TABLE seconds_by_person (
            project_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            seconds INTEGER NOT NULL,
            answers INTEGER NOT NULL,
            PRIMARY KEY (project_id, user_id, seconds)
        ) WITHOUT ROWID;

CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            created_at TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            ended_at TEXT
        , authed_at TEXT, device TEXT) WITHOUT ROWID;

CREATE TABLE "tasks" (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id),
            client_id TEXT,
            payload_text TEXT,
            media_id INTEGER REFERENCES media(id),
            gold_answer TEXT,
            status TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'done', 'held', 'removed')),
            answers_count INTEGER NOT NULL DEFAULT 0,
            reports_count INTEGER NOT NULL DEFAULT 0,
            aggregate TEXT,
            confidence REAL,
            created_at TEXT NOT NULL, image_ref TEXT, wanted INTEGER CHECK (wanted IS NULL OR wanted >= 1), recording_assignment_id INTEGER REFERENCES assignments(id), transcribes_assignment_id INTEGER REFERENCES assignments(id),
            CHECK (payload_text IS NOT NULL OR media_id IS NOT NULL)
        );

CREATE TABLE tasks_by_status (
            project_id INTEGER NOT NULL REFERENCES projects(id),
            status TEXT NOT NULL,
            tasks INTEGER NOT NULL,
            PRIMARY KEY (project_id, status)
        ) WITHOUT ROWID;

CREATE TABLE texts (
            kind TEXT NOT NULL,
            owner_id INTEGER NOT NULL,  -- projects.id, labels.id or quiz_questions.id
            field TEXT NOT NULL,
            lang TEXT NOT NULL REFERENCES languages(code),
            text TEXT NOT NULL CHECK (text <> ''),
            PRIMARY KEY (kind, owner_id, field, lang),
            CHECK ((kind = 'project' AND field IN ('name', 'instructions'))
                OR (kind = 'label' AND field = 'text')
                OR (kind = 'question' AND field IN ('prompt', 'explanation')))
        ) WITHOUT ROWID;

CREATE TABLE traffic (
            user_id INTEGER NOT NULL REFERENCES users(id),
            day TEXT NOT NULL,
            bytes INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user_id, day)
        );

CREATE TABLE uploads (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        assignment_id INTEGER NOT NULL REFERENCES assignments(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        content_type TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size > 0),
        received INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0 AND received <= size),
        data BLOB NOT NULL DEFAULT x'',
        media_id INTEGER REFERENCES media(id),
        created_at TEXT NOT NULL,
        done_at TEXT,
        CHECK ((media_id IS NULL) = (done_at IS NULL)),
        CHECK (media_id IS NULL OR received = size),
        -- The bytes in so far; once complete they live in media.original, not here.
        CHECK (length(data) = CASE WHEN media_id IS NULL THEN received ELSE 0 END)
    );

CREATE TABLE user_clients (
        user_id INTEGER NOT NULL REFERENCES users(id),
        client_id INTEGER NOT NULL REFERENCES clients(id),
        PRIMARY KEY (user_id, client_id)
    ) WITHOUT ROWID;

CREATE TABLE "users" (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('annotator', 'supervisor', 'admin')),
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    password_hash TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'en' REFERENCES languages(code),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    welcomed_at TEXT, offline_key TEXT, guess_locked_at TEXT, guess_unlocked_at TEXT
, created_by INTEGER REFERENCES users(id), password_set_by INTEGER REFERENCES users(id), password_set_at TEXT, consent_version INTEGER, totp_secret TEXT, totp_on_at TEXT, totp_last_step INTEGER);

CREATE TABLE work_by_day (
            project_id INTEGER NOT NULL REFERENCES projects(id),
            day TEXT NOT NULL,  -- India's day, YYYY-MM-DD
            user_id INTEGER NOT NULL REFERENCES users(id),
            answers INTEGER NOT NULL,
            seconds INTEGER NOT NULL,  -- seconds_spent of every answer
            earned_paise INTEGER NOT NULL,  -- pay of the answers not rejected
            PRIMARY KEY (project_id, day, user_id)
        ) WITHOUT ROWID;

CREATE INDEX access_log_client ON access_log(client_id, id);

CREATE INDEX access_log_media ON access_log(media_id) WHERE media_id IS NOT NULL;

CREATE INDEX access_log_project ON access_log(project_id, id);

CREATE INDEX access_log_task ON access_log(task_id) WHERE task_id IS NOT NULL;

CREATE INDEX access_log_user ON access_log(user_id, id);

CREATE INDEX appeals_open ON appeals(status, created_at);

CREATE INDEX appeals_user ON appeals(user_id);

CREATE INDEX assignments_checked ON assignments(project_id, user_id, reviewed_at, review_state) WHERE review_reason IN ('sample', 'first', 'watch') AND reviewed_by IS NOT NULL;

CREATE INDEX assignments_drawn ON assignments(submitted_at, project_id, user_id, review_reason, seconds_spent) WHERE review_state = 'pending' AND review_reason IS NOT NULL;

CREATE INDEX assignments_missed ON assignments(submitted_at, project_id, user_id) WHERE review_state = 'rejected' AND reviewed_by IS NULL;

CREATE INDEX assignments_pending ON assignments(project_id, submitted_at) WHERE review_state = 'pending';

CREATE INDEX assignments_project ON assignments(project_id, state, submitted_at);

CREATE INDEX assignments_review_queue ON assignments(submitted_at, project_id, user_id, seconds_spent, review_state) WHERE review_state = 'pending';

CREATE INDEX assignments_task ON assignments(task_id, state, lease_expires_at);

CREATE INDEX assignments_user_day ON assignments(user_id, state, submitted_at, review_state, pay_paise);

CREATE INDEX audit_log_action ON audit_log(action, at);

CREATE INDEX audit_log_actor ON audit_log(actor_id, at);

CREATE INDEX audit_log_at ON audit_log(at);

CREATE INDEX audit_log_subject ON audit_log(subject, action, at);

CREATE INDEX consents_user ON consents(user_id, id);

CREATE INDEX gold_stats_project ON gold_stats(project_id);

CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

CREATE INDEX login_attempts_login ON login_attempts(login, at);

CREATE INDEX payable_user ON payable(user_id, submitted_at, pay_paise);

CREATE INDEX payment_details_user ON payment_details(user_id, id);

CREATE INDEX payout_items_line ON payout_items(line_id);

CREATE UNIQUE INDEX payout_items_one_live ON payout_items(assignment_id) WHERE live = 1;

CREATE INDEX payout_lines_user ON payout_lines(user_id, id);

CREATE INDEX payouts_centre ON payouts(centre_id, id);

CREATE INDEX projects_client ON projects(client_id);

CREATE UNIQUE INDEX purges_one_open ON purges (project_id)
    WHERE status IN ('asked', 'approved');

CREATE UNIQUE INDEX quiz_attempts_open ON quiz_attempts(user_id, project_id) WHERE finished_at IS NULL;

CREATE INDEX quiz_attempts_user ON quiz_attempts(user_id, project_id, id);

CREATE INDEX quiz_questions_project ON quiz_questions(project_id, id);

CREATE INDEX review_bulks_centre ON review_bulks(centre_id, at);

CREATE INDEX sessions_user ON sessions(user_id) WHERE ended_at IS NULL;

CREATE INDEX tasks_attention ON tasks(project_id) WHERE status = 'held' OR reports_count > 0;

CREATE UNIQUE INDEX tasks_client_id ON tasks(project_id, client_id) WHERE client_id IS NOT NULL;

CREATE INDEX tasks_gold ON tasks(project_id, status, id) WHERE gold_answer IS NOT NULL;

CREATE UNIQUE INDEX tasks_one_per_recording ON tasks(recording_assignment_id) WHERE recording_assignment_id IS NOT NULL;

CREATE UNIQUE INDEX tasks_one_transcript_per_recording ON tasks(transcribes_assignment_id) WHERE transcribes_assignment_id IS NOT NULL;

CREATE INDEX tasks_open ON tasks(project_id, status, id);

CREATE INDEX uploads_assignment ON uploads(assignment_id);

CREATE UNIQUE INDEX uploads_done_once ON uploads(assignment_id) WHERE media_id IS NOT NULL;

CREATE INDEX work_by_day_user ON work_by_day(user_id, project_id);

CREATE TRIGGER access_log_append_only BEFORE UPDATE ON access_log BEGIN
            SELECT RAISE(ABORT, 'the access log is append-only'); END;

CREATE TRIGGER access_log_kept BEFORE DELETE ON access_log
        WHEN OLD.at > datetime('now', '-400 days') BEGIN
        SELECT RAISE(ABORT, 'the access log is kept 400 days'); END;

CREATE TRIGGER access_log_recent_append_only BEFORE UPDATE ON access_log_recent BEGIN
            SELECT RAISE(ABORT, 'the access log is append-only'); END;

CREATE TRIGGER access_log_recent_moved BEFORE DELETE ON access_log_recent
        WHEN NOT EXISTS (SELECT 1 FROM access_log WHERE id = OLD.id) BEGIN
        SELECT RAISE(ABORT, 'the access log is append-only'); END;

CREATE TRIGGER agreement_after_delete AFTER DELETE ON assignments
            WHEN OLD.state = 'submitted' BEGIN 
    INSERT INTO agreement_by_day (project_id, day, answer_key, answers)
    SELECT OLD.project_id, w.day, v.k, 1 * v.n FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted' GROUP BY 1) v WHERE w.m >= 2
    ON CONFLICT (project_id, day, answer_key) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO disagreement_by_day (project_id, day, m, tasks, pairs)
    SELECT OLD.project_id, w.day, w.m, 1, 1 * sum(v.n * (w.m - v.n)) FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted' GROUP BY 1) v
    WHERE w.m >= 2 GROUP BY w.day, w.m
    ON CONFLICT (project_id, day, m) DO UPDATE SET tasks = tasks + excluded.tasks,
        pairs = pairs + excluded.pairs; END;

CREATE TRIGGER agreement_after_insert AFTER INSERT ON assignments
            WHEN NEW.state = 'submitted' BEGIN 
    INSERT INTO agreement_by_day (project_id, day, answer_key, answers)
    SELECT NEW.project_id, w.day, v.k, 1 * v.n FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted' GROUP BY 1) v WHERE w.m >= 2
    ON CONFLICT (project_id, day, answer_key) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO disagreement_by_day (project_id, day, m, tasks, pairs)
    SELECT NEW.project_id, w.day, w.m, 1, 1 * sum(v.n * (w.m - v.n)) FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted' GROUP BY 1) v
    WHERE w.m >= 2 GROUP BY w.day, w.m
    ON CONFLICT (project_id, day, m) DO UPDATE SET tasks = tasks + excluded.tasks,
        pairs = pairs + excluded.pairs; END;

CREATE TRIGGER agreement_after_update AFTER UPDATE OF state, answer, submitted_at
        ON assignments WHEN (OLD.state = 'submitted' OR NEW.state = 'submitted') AND (
    OLD.state IS NOT NEW.state OR OLD.answer IS NOT NEW.answer
    OR OLD.submitted_at IS NOT NEW.submitted_at)
        BEGIN 
    INSERT INTO agreement_by_day (project_id, day, answer_key, answers)
    SELECT NEW.project_id, w.day, v.k, 1 * v.n FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted' GROUP BY 1) v WHERE w.m >= 2
    ON CONFLICT (project_id, day, answer_key) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO disagreement_by_day (project_id, day, m, tasks, pairs)
    SELECT NEW.project_id, w.day, w.m, 1, 1 * sum(v.n * (w.m - v.n)) FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted' GROUP BY 1) v
    WHERE w.m >= 2 GROUP BY w.day, w.m
    ON CONFLICT (project_id, day, m) DO UPDATE SET tasks = tasks + excluded.tasks,
        pairs = pairs + excluded.pairs; END;

CREATE TRIGGER agreement_before_delete BEFORE DELETE ON assignments
            WHEN OLD.state = 'submitted' BEGIN 
    INSERT INTO agreement_by_day (project_id, day, answer_key, answers)
    SELECT OLD.project_id, w.day, v.k, -1 * v.n FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted' GROUP BY 1) v WHERE w.m >= 2
    ON CONFLICT (project_id, day, answer_key) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO disagreement_by_day (project_id, day, m, tasks, pairs)
    SELECT OLD.project_id, w.day, w.m, -1, -1 * sum(v.n * (w.m - v.n)) FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted' GROUP BY 1) v
    WHERE w.m >= 2 GROUP BY w.day, w.m
    ON CONFLICT (project_id, day, m) DO UPDATE SET tasks = tasks + excluded.tasks,
        pairs = pairs + excluded.pairs; END;

CREATE TRIGGER agreement_before_insert BEFORE INSERT ON assignments
            WHEN NEW.state = 'submitted' BEGIN 
    INSERT INTO agreement_by_day (project_id, day, answer_key, answers)
    SELECT NEW.project_id, w.day, v.k, -1 * v.n FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted' GROUP BY 1) v WHERE w.m >= 2
    ON CONFLICT (project_id, day, answer_key) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO disagreement_by_day (project_id, day, m, tasks, pairs)
    SELECT NEW.project_id, w.day, w.m, -1, -1 * sum(v.n * (w.m - v.n)) FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = NEW.task_id AND state = 'submitted' GROUP BY 1) v
    WHERE w.m >= 2 GROUP BY w.day, w.m
    ON CONFLICT (project_id, day, m) DO UPDATE SET tasks = tasks + excluded.tasks,
        pairs = pairs + excluded.pairs; END;

CREATE TRIGGER agreement_before_update BEFORE UPDATE OF state, answer, submitted_at
        ON assignments WHEN (OLD.state = 'submitted' OR NEW.state = 'submitted') AND (
    OLD.state IS NOT NEW.state OR OLD.answer IS NOT NEW.answer
    OR OLD.submitted_at IS NOT NEW.submitted_at)
        BEGIN 
    INSERT INTO agreement_by_day (project_id, day, answer_key, answers)
    SELECT OLD.project_id, w.day, v.k, -1 * v.n FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted' GROUP BY 1) v WHERE w.m >= 2
    ON CONFLICT (project_id, day, answer_key) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO disagreement_by_day (project_id, day, m, tasks, pairs)
    SELECT OLD.project_id, w.day, w.m, -1, -1 * sum(v.n * (w.m - v.n)) FROM (SELECT max(date(submitted_at, '+330 minutes')) AS day, count(*) AS m FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted') w, (SELECT velai_answer_key(answer) AS k, count(*) AS n FROM assignments WHERE task_id = OLD.task_id AND state = 'submitted' GROUP BY 1) v
    WHERE w.m >= 2 GROUP BY w.day, w.m
    ON CONFLICT (project_id, day, m) DO UPDATE SET tasks = tasks + excluded.tasks,
        pairs = pairs + excluded.pairs; END;

CREATE TRIGGER answers_by_day_delete AFTER DELETE ON assignments
        WHEN OLD.state = 'submitted' BEGIN INSERT INTO answers_by_day (user_id, day, answers, earned_paise, pending, accepted, accepted_paise) SELECT OLD.user_id, date(OLD.submitted_at, '+330 minutes'), -1 * (1), -1 * (CASE WHEN OLD.review_state IN ('accepted', 'pending') THEN OLD.pay_paise ELSE 0 END), -1 * ((OLD.review_state = 'pending')), -1 * ((OLD.review_state = 'accepted')), -1 * (CASE WHEN OLD.review_state = 'accepted' THEN OLD.pay_paise ELSE 0 END) WHERE OLD.state = 'submitted' ON CONFLICT (user_id, day) DO UPDATE SET answers = answers + excluded.answers, earned_paise = earned_paise + excluded.earned_paise, pending = pending + excluded.pending, accepted = accepted + excluded.accepted, accepted_paise = accepted_paise + excluded.accepted_paise; END;

CREATE TRIGGER answers_by_day_insert AFTER INSERT ON assignments
        WHEN NEW.state = 'submitted' BEGIN INSERT INTO answers_by_day (user_id, day, answers, earned_paise, pending, accepted, accepted_paise) SELECT NEW.user_id, date(NEW.submitted_at, '+330 minutes'), 1 * (1), 1 * (CASE WHEN NEW.review_state IN ('accepted', 'pending') THEN NEW.pay_paise ELSE 0 END), 1 * ((NEW.review_state = 'pending')), 1 * ((NEW.review_state = 'accepted')), 1 * (CASE WHEN NEW.review_state = 'accepted' THEN NEW.pay_paise ELSE 0 END) WHERE NEW.state = 'submitted' ON CONFLICT (user_id, day) DO UPDATE SET answers = answers + excluded.answers, earned_paise = earned_paise + excluded.earned_paise, pending = pending + excluded.pending, accepted = accepted + excluded.accepted, accepted_paise = accepted_paise + excluded.accepted_paise; END;

CREATE TRIGGER answers_by_day_update
        AFTER UPDATE OF state, review_state, pay_paise, submitted_at, user_id ON assignments
        WHEN (OLD.state = 'submitted' OR NEW.state = 'submitted') AND (
            OLD.state IS NOT NEW.state OR OLD.user_id IS NOT NEW.user_id
            OR OLD.submitted_at IS NOT NEW.submitted_at
            OR OLD.review_state IS NOT NEW.review_state OR OLD.pay_paise IS NOT NEW.pay_paise)
        BEGIN INSERT INTO answers_by_day (user_id, day, answers, earned_paise, pending, accepted, accepted_paise) SELECT OLD.user_id, date(OLD.submitted_at, '+330 minutes'), -1 * (1), -1 * (CASE WHEN OLD.review_state IN ('accepted', 'pending') THEN OLD.pay_paise ELSE 0 END), -1 * ((OLD.review_state = 'pending')), -1 * ((OLD.review_state = 'accepted')), -1 * (CASE WHEN OLD.review_state = 'accepted' THEN OLD.pay_paise ELSE 0 END) WHERE OLD.state = 'submitted' ON CONFLICT (user_id, day) DO UPDATE SET answers = answers + excluded.answers, earned_paise = earned_paise + excluded.earned_paise, pending = pending + excluded.pending, accepted = accepted + excluded.accepted, accepted_paise = accepted_paise + excluded.accepted_paise; INSERT INTO answers_by_day (user_id, day, answers, earned_paise, pending, accepted, accepted_paise) SELECT NEW.user_id, date(NEW.submitted_at, '+330 minutes'), 1 * (1), 1 * (CASE WHEN NEW.review_state IN ('accepted', 'pending') THEN NEW.pay_paise ELSE 0 END), 1 * ((NEW.review_state = 'pending')), 1 * ((NEW.review_state = 'accepted')), 1 * (CASE WHEN NEW.review_state = 'accepted' THEN NEW.pay_paise ELSE 0 END) WHERE NEW.state = 'submitted' ON CONFLICT (user_id, day) DO UPDATE SET answers = answers + excluded.answers, earned_paise = earned_paise + excluded.earned_paise, pending = pending + excluded.pending, accepted = accepted + excluded.accepted, accepted_paise = accepted_paise + excluded.accepted_paise; END;

CREATE TRIGGER appeals_decided_by_a_decider BEFORE UPDATE OF decided_by ON appeals
        WHEN NEW.decided_by IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM appeal_deciders d
            WHERE d.assignment_id = OLD.assignment_id AND d.user_id = NEW.decided_by)
        BEGIN SELECT RAISE(ABORT, 'appeal_needs_other: this person may not decide this appeal');
        END;

CREATE TRIGGER appeals_decided_once BEFORE UPDATE ON appeals
        WHEN OLD.status != 'open'
        BEGIN SELECT RAISE(ABORT, 'appeal_decided: a decided appeal does not change'); END;

CREATE TRIGGER assignments_capture_is_hers
        BEFORE UPDATE OF answer ON assignments
        WHEN NEW.answer IS NOT NULL AND NEW.answer IS NOT OLD.answer
          AND (SELECT task_type FROM projects WHERE id = NEW.project_id) IN ('photo', 'record')
          AND NOT EXISTS (SELECT 1 FROM media m WHERE m.id = CAST(NEW.answer AS INTEGER)
                          AND m.project_id = NEW.project_id AND m.user_id = NEW.user_id)
        BEGIN
            SELECT RAISE(ABORT, 'capture_not_hers');
        END;

CREATE TRIGGER assignments_paid_answer_stands
BEFORE UPDATE OF review_state, pay_paise, user_id ON assignments
WHEN OLD.review_state = 'accepted' AND (NEW.review_state IS NOT OLD.review_state
    OR NEW.pay_paise <> OLD.pay_paise OR NEW.user_id <> OLD.user_id)
    AND EXISTS (SELECT 1 FROM payout_items WHERE assignment_id = OLD.id AND live = 1)
BEGIN SELECT RAISE(ABORT, 'an answer in a payout keeps its review and pay'); END;

CREATE TRIGGER assignments_paid_review_stands
BEFORE UPDATE OF reviewed_by, reviewed_at, reject_reason, review_note ON assignments
WHEN (NEW.reviewed_by IS NOT OLD.reviewed_by OR NEW.reviewed_at IS NOT OLD.reviewed_at
    OR NEW.reject_reason IS NOT OLD.reject_reason OR NEW.review_note IS NOT OLD.review_note)
    AND EXISTS (SELECT 1 FROM payout_items WHERE assignment_id = OLD.id AND live = 1)
BEGIN SELECT RAISE(ABORT, 'an answer in a payout keeps its review and pay'); END;

CREATE TRIGGER assignments_within_wanted BEFORE INSERT ON assignments
        WHEN (SELECT t.answers_count FROM tasks t WHERE t.id = NEW.task_id)
           + (SELECT count(*) FROM assignments a WHERE a.task_id = NEW.task_id
              AND a.state = 'active' AND a.lease_expires_at > NEW.claimed_at)
           >= (SELECT coalesce(t.wanted, p.redundancy) FROM tasks t
               JOIN projects p ON p.id = t.project_id WHERE t.id = NEW.task_id)
        BEGIN SELECT RAISE(ABORT, 'task_full: the task has all the answers and leases it wants');
        END;

CREATE TRIGGER centres_first_client AFTER INSERT ON centres BEGIN
        INSERT INTO clients (centre_id, name, created_at) VALUES (NEW.id, 'Centre''s own work',
            strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
    END;

CREATE TRIGGER centres_languages_known_insert BEFORE INSERT ON centres BEGIN SELECT RAISE(ABORT, 'unknown language') WHERE EXISTS (SELECT 1 FROM json_each(NEW.languages) WHERE value NOT IN (SELECT code FROM languages)); END;

CREATE TRIGGER centres_languages_known_update BEFORE UPDATE OF languages ON centres BEGIN SELECT RAISE(ABORT, 'unknown language') WHERE EXISTS (SELECT 1 FROM json_each(NEW.languages) WHERE value NOT IN (SELECT code FROM languages)); END;

CREATE TRIGGER consents_mark_user AFTER INSERT ON consents
        BEGIN UPDATE users SET consent_version = NEW.version WHERE id = NEW.user_id; END;

CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents
        BEGIN SELECT RAISE(ABORT, 'consents are append-only'); END;

CREATE TRIGGER consents_no_update BEFORE UPDATE ON consents
        BEGIN SELECT RAISE(ABORT, 'consents are append-only'); END;

CREATE TRIGGER labels_bump_delete AFTER DELETE ON labels BEGIN UPDATE projects SET content_version = content_version + 1 WHERE id = OLD.project_id; END;

CREATE TRIGGER labels_bump_insert AFTER INSERT ON labels BEGIN UPDATE projects SET content_version = content_version + 1 WHERE id = NEW.project_id; END;

CREATE TRIGGER labels_bump_update AFTER UPDATE ON labels BEGIN UPDATE projects SET content_version = content_version + 1 WHERE id = NEW.project_id; END;

CREATE TRIGGER labels_texts_gone AFTER DELETE ON labels BEGIN DELETE FROM texts WHERE kind = 'label' AND owner_id = OLD.id; END;

CREATE TRIGGER payable_accepted
        AFTER UPDATE OF state, review_state ON assignments
        WHEN NEW.state IS 'submitted' AND NEW.review_state IS 'accepted' AND NOT (OLD.state IS 'submitted' AND OLD.review_state IS 'accepted')
        BEGIN INSERT OR REPLACE INTO payable (assignment_id, user_id, submitted_at, pay_paise)
    VALUES (NEW.id, NEW.user_id, NEW.submitted_at, NEW.pay_paise); END;

CREATE TRIGGER payable_changed
        AFTER UPDATE OF pay_paise, user_id, submitted_at ON assignments
        WHEN OLD.state IS 'submitted' AND OLD.review_state IS 'accepted' AND NEW.state IS 'submitted' AND NEW.review_state IS 'accepted'
        BEGIN DELETE FROM payable WHERE assignment_id = OLD.id;
              INSERT OR REPLACE INTO payable (assignment_id, user_id, submitted_at, pay_paise)
    SELECT a.id, a.user_id, a.submitted_at, a.pay_paise FROM assignments a
    WHERE a.id = NEW.id AND a.state = 'submitted' AND a.review_state = 'accepted'
      AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.assignment_id = a.id
                      AND i.live = 1); END;

CREATE TRIGGER payable_delete AFTER DELETE ON assignments
        WHEN OLD.review_state = 'accepted'
        BEGIN DELETE FROM payable WHERE assignment_id = OLD.id; END;

CREATE TRIGGER payable_freed AFTER UPDATE OF live ON payout_items
        WHEN OLD.live = 1 AND NEW.live = 0
        BEGIN INSERT OR REPLACE INTO payable (assignment_id, user_id, submitted_at, pay_paise)
    SELECT a.id, a.user_id, a.submitted_at, a.pay_paise FROM assignments a
    WHERE a.id = NEW.assignment_id AND a.state = 'submitted' AND a.review_state = 'accepted'
      AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.assignment_id = a.id
                      AND i.live = 1); END;

CREATE TRIGGER payable_insert AFTER INSERT ON assignments
        WHEN NEW.state IS 'submitted' AND NEW.review_state IS 'accepted' BEGIN INSERT OR REPLACE INTO payable (assignment_id, user_id, submitted_at, pay_paise)
    VALUES (NEW.id, NEW.user_id, NEW.submitted_at, NEW.pay_paise); END;

CREATE TRIGGER payable_unaccepted
        AFTER UPDATE OF state, review_state ON assignments
        WHEN OLD.state IS 'submitted' AND OLD.review_state IS 'accepted' AND NOT (NEW.state IS 'submitted' AND NEW.review_state IS 'accepted')
        BEGIN DELETE FROM payable WHERE assignment_id = OLD.id; END;

CREATE TRIGGER payment_details_confirm_by_another BEFORE UPDATE OF confirmed_by
        ON payment_details
        WHEN NEW.confirmed_by IS NOT NULL AND (NEW.confirmed_by = OLD.entered_by
            OR EXISTS (SELECT 1 FROM audit_log a WHERE a.actor_id = NEW.confirmed_by
    AND a.subject = 'user:' || OLD.user_id
    AND (a.action = 'user.reset_pin'
         OR (a.action = 'user.edit' AND json_extract(a.detail, '$.phone') IS NOT NULL))
    AND (a.at >= datetime(NEW.confirmed_at, '-7 days') OR a.at >= datetime('now', '-7 days'))))
        BEGIN SELECT RAISE(ABORT, 'details_reset_by_you: another person confirms these
 payment details'); END;

CREATE TRIGGER payment_details_decide_once BEFORE UPDATE ON payment_details
        WHEN OLD.confirmed_by IS NOT NULL OR OLD.refused_by IS NOT NULL
            OR (NEW.confirmed_by IS NULL) = (NEW.refused_by IS NULL)
            OR (NEW.refused_by IS NOT NULL AND (NEW.refused_at IS NULL
                OR trim(coalesce(NEW.refusal_reason, '')) = ''))
            OR (NEW.confirmed_by IS NOT NULL AND NEW.confirmed_at IS NULL)
            OR NEW.kind IS NOT OLD.kind OR NEW.upi_id IS NOT OLD.upi_id
            OR NEW.account_number IS NOT OLD.account_number OR NEW.ifsc IS NOT OLD.ifsc
            OR NEW.account_name IS NOT OLD.account_name
            OR NEW.user_id <> OLD.user_id OR NEW.entered_by <> OLD.entered_by
            OR NEW.entered_at <> OLD.entered_at
        BEGIN SELECT RAISE(ABORT, 'payment details change only by a new row'); END;

CREATE TRIGGER payment_details_keep BEFORE DELETE ON payment_details
BEGIN SELECT RAISE(ABORT, 'payment details are kept: a change adds a row'); END;

CREATE TRIGGER payout_failure_reports_approved_only BEFORE INSERT ON payout_failure_reports
WHEN (SELECT p.status FROM payouts p JOIN payout_lines l ON l.payout_id = p.id
      WHERE l.id = NEW.line_id) IS NOT 'approved'
    OR EXISTS (SELECT 1 FROM payout_results r WHERE r.line_id = NEW.line_id)
BEGIN SELECT RAISE(ABORT, 'only an unpaid line of an approved payout is reported failed'); END;

CREATE TRIGGER payout_failure_reports_final BEFORE UPDATE ON payout_failure_reports
BEGIN SELECT RAISE(ABORT, 'a failure report is final'); END;

CREATE TRIGGER payout_failure_reports_keep BEFORE DELETE ON payout_failure_reports
BEGIN SELECT RAISE(ABORT, 'failure reports are never deleted'); END;

CREATE TRIGGER payout_items_final BEFORE UPDATE ON payout_items
WHEN NOT (OLD.live = 1 AND NEW.live = 0 AND NEW.id = OLD.id
          AND NEW.payout_id = OLD.payout_id AND NEW.line_id = OLD.line_id
          AND NEW.assignment_id = OLD.assignment_id AND NEW.pay_paise = OLD.pay_paise
          AND ((SELECT status FROM payouts WHERE id = OLD.payout_id) = 'void'
               OR EXISTS (SELECT 1 FROM payout_results r WHERE r.line_id = OLD.line_id
                          AND r.status = 'failed')))
BEGIN SELECT RAISE(ABORT, 'payout item is final'); END;

CREATE TRIGGER payout_items_keep BEFORE DELETE ON payout_items
BEGIN SELECT RAISE(ABORT, 'payout items are never deleted'); END;

CREATE TRIGGER payout_items_only_accepted BEFORE INSERT ON payout_items
WHEN (SELECT status FROM payouts WHERE id = NEW.payout_id) IS NOT 'draft'
    OR (SELECT payout_id FROM payout_lines WHERE id = NEW.line_id) IS NOT NEW.payout_id
    OR NOT EXISTS (SELECT 1 FROM assignments a JOIN payout_lines l ON l.id = NEW.line_id
                   WHERE a.id = NEW.assignment_id AND a.user_id = l.user_id
                   AND a.state = 'submitted' AND a.review_state = 'accepted'
                   AND a.pay_paise = NEW.pay_paise)
BEGIN SELECT RAISE(ABORT, 'only her accepted answers, at their pay, go into a draft'); END;

CREATE TRIGGER payout_line_retries_keep BEFORE DELETE ON payout_line_retries
BEGIN SELECT RAISE(ABORT, 'a line keeps the failed lines it carries'); END;

CREATE TRIGGER payout_lines_amount_by BEFORE UPDATE ON payout_lines
WHEN (NEW.items_paise IS NOT OLD.items_paise OR NEW.bonus_paise IS NOT OLD.bonus_paise OR NEW.amount_paise IS NOT OLD.amount_paise) AND NEW.amount_set_by IS NULL
    -- a line that breaks its CHECKs, or of a final payout, is refused by those rules
    AND NEW.amount_paise = NEW.items_paise + NEW.bonus_paise
    AND (SELECT status FROM payouts WHERE id = OLD.payout_id) = 'draft'
BEGIN SELECT RAISE(ABORT, 'a changed amount names who changed it'); END;

CREATE TRIGGER payout_lines_draft_only_insert BEFORE INSERT ON payout_lines
WHEN (SELECT status FROM payouts WHERE id = NEW.payout_id) IS NOT 'draft'
BEGIN SELECT RAISE(ABORT, 'lines are added to drafts only'); END;

CREATE TRIGGER payout_lines_final BEFORE UPDATE ON payout_lines
WHEN (SELECT status FROM payouts WHERE id = OLD.payout_id) <> 'draft'
    OR NEW.payout_id <> OLD.payout_id OR NEW.user_id <> OLD.user_id
BEGIN SELECT RAISE(ABORT, 'payout line is final'); END;

CREATE TRIGGER payout_lines_keep BEFORE DELETE ON payout_lines
BEGIN SELECT RAISE(ABORT, 'payout lines are never deleted'); END;

CREATE TRIGGER payout_lines_new_details_not_by_confirmer BEFORE INSERT ON payout_lines
        WHEN (SELECT confirmed_by FROM payment_details WHERE id = NEW.payment_detail_id)
             = (SELECT drafted_by FROM payouts WHERE id = NEW.payout_id)
            AND NOT EXISTS (SELECT 1 FROM payout_lines o JOIN payouts op ON op.id = o.payout_id
    WHERE o.payment_detail_id = NEW.payment_detail_id AND op.status = 'approved')
        BEGIN SELECT RAISE(ABORT, 'details_confirmed_by_drafter: the first payout to new
 details is drafted by another person than their confirmer'); END;

CREATE TRIGGER payout_lines_version AFTER UPDATE ON payout_lines WHEN (NEW.items_paise IS NOT OLD.items_paise OR NEW.bonus_paise IS NOT OLD.bonus_paise OR NEW.amount_paise IS NOT OLD.amount_paise)
BEGIN UPDATE payouts SET version = version + 1 WHERE id = NEW.payout_id; END;

CREATE TRIGGER payout_results_approved_only BEFORE INSERT ON payout_results
WHEN (SELECT p.status FROM payouts p JOIN payout_lines l ON l.payout_id = p.id
      WHERE l.id = NEW.line_id) IS NOT 'approved'
BEGIN SELECT RAISE(ABORT, 'only approved payouts are paid'); END;

CREATE TRIGGER payout_results_failed_frees_answers AFTER INSERT ON payout_results
WHEN NEW.status = 'failed'
BEGIN UPDATE payout_items SET live = 0 WHERE line_id = NEW.line_id AND live = 1; END;

CREATE TRIGGER payout_results_failed_two_people BEFORE INSERT ON payout_results
WHEN NEW.status = 'failed' AND NEW.source <> 'bank_file' AND NOT EXISTS (
    SELECT 1 FROM payout_failure_reports f WHERE f.line_id = NEW.line_id
    AND f.reported_by <> NEW.recorded_by)
BEGIN SELECT RAISE(ABORT, 'a failed payment needs the bank file or a second person'); END;

CREATE TRIGGER payout_results_final BEFORE UPDATE ON payout_results
BEGIN SELECT RAISE(ABORT, 'payment result is final'); END;

CREATE TRIGGER payout_results_keep BEFORE DELETE ON payout_results
BEGIN SELECT RAISE(ABORT, 'payment results are never deleted'); END;

CREATE TRIGGER payouts_approver_changed_nothing BEFORE UPDATE OF status ON payouts
WHEN NEW.status = 'approved' AND EXISTS (SELECT 1 FROM payout_lines l
    WHERE l.payout_id = NEW.id AND l.amount_set_by = NEW.approved_by)
BEGIN SELECT RAISE(ABORT, 'who changed its amounts may not approve it'); END;

CREATE TRIGGER payouts_approver_not_made_by_drafter BEFORE UPDATE OF status ON payouts
WHEN NEW.status = 'approved' AND EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.approved_by
    AND (u.created_by = NEW.drafted_by OR u.password_set_by = NEW.drafted_by
         OR (u.created_by IS NOT NULL
             AND u.created_at > datetime(NEW.approved_at, '-7 days'))
         OR (u.password_set_by IS NOT NULL AND u.password_set_by <> u.id
             AND u.password_set_at > datetime(NEW.approved_at, '-7 days'))))
BEGIN SELECT RAISE(ABORT,
    'an account the drafter made or reset, or a new one, may not approve'); END;

CREATE TRIGGER payouts_approver_second_factor
        BEFORE UPDATE OF status ON payouts
        WHEN NEW.status = 'approved'
          AND (SELECT second_factor_for_money FROM centres WHERE id = NEW.centre_id) = 1
          AND (SELECT totp_on_at FROM users WHERE id = NEW.approved_by) IS NULL
        BEGIN SELECT RAISE(ABORT, 'approving needs a second factor'); END;

CREATE TRIGGER payouts_exact_on_approval BEFORE UPDATE OF status ON payouts
WHEN NEW.status = 'approved' AND (
    NEW.total_paise <> (SELECT coalesce(sum(amount_paise), 0) FROM payout_lines
                        WHERE payout_id = NEW.id)
    OR EXISTS (SELECT 1 FROM payout_lines l WHERE l.payout_id = NEW.id AND l.items_paise <>
               (SELECT coalesce(sum(pay_paise), 0) FROM payout_items i WHERE i.line_id = l.id))
    OR EXISTS (SELECT 1 FROM payout_lines l WHERE l.payout_id = NEW.id AND l.answers <>
               (SELECT count(*) FROM payout_items i WHERE i.line_id = l.id)))
BEGIN SELECT RAISE(ABORT, 'payout totals do not add up'); END;

CREATE TRIGGER payouts_final BEFORE UPDATE ON payouts WHEN OLD.status <> 'draft'
BEGIN SELECT RAISE(ABORT, 'payout is final: approved or void'); END;

CREATE TRIGGER payouts_keep BEFORE DELETE ON payouts
BEGIN SELECT RAISE(ABORT, 'payouts are never deleted'); END;

CREATE TRIGGER payouts_new_details_not_by_confirmer BEFORE UPDATE OF status ON payouts
        WHEN NEW.status = 'approved' AND EXISTS (
            SELECT 1 FROM payout_lines l JOIN payment_details d ON d.id = l.payment_detail_id
            WHERE l.payout_id = NEW.id AND d.confirmed_by = OLD.drafted_by
              AND NOT EXISTS (SELECT 1 FROM payout_lines o JOIN payouts op ON op.id = o.payout_id
    WHERE o.payment_detail_id = l.payment_detail_id AND op.status = 'approved'))
        BEGIN SELECT RAISE(ABORT, 'details_confirmed_by_drafter: the first payout to new
 details is drafted by another person than their confirmer'); END;

CREATE TRIGGER payouts_version_only_up BEFORE UPDATE OF version ON payouts
WHEN NEW.version <= OLD.version
BEGIN SELECT RAISE(ABORT, 'a payout version only goes up'); END;

CREATE TRIGGER payouts_void_frees_answers AFTER UPDATE OF status ON payouts
WHEN NEW.status = 'void'
BEGIN UPDATE payout_items SET live = 0 WHERE payout_id = NEW.id AND live = 1; END;

CREATE TRIGGER projects_bump_languages AFTER UPDATE OF languages ON projects BEGIN UPDATE projects SET content_version = content_version + 1 WHERE id = NEW.id; END;

CREATE TRIGGER projects_client_of_centre_insert BEFORE INSERT ON projects
            WHEN NEW.client_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clients
                WHERE id = NEW.client_id AND centre_id = NEW.centre_id)
                OR (NEW.client_id IS NULL AND 0)
            BEGIN SELECT RAISE(ABORT, 'a project belongs to a client of its own centre'); END;

CREATE TRIGGER projects_client_of_centre_update BEFORE UPDATE OF client_id, centre_id ON projects
            WHEN NEW.client_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM clients
                WHERE id = NEW.client_id AND centre_id = NEW.centre_id)
                OR (NEW.client_id IS NULL AND OLD.client_id IS NOT NULL)
            BEGIN SELECT RAISE(ABORT, 'a project belongs to a client of its own centre'); END;

CREATE TRIGGER projects_closed_at AFTER UPDATE OF status ON projects
WHEN NEW.status = 'closed' AND OLD.status <> 'closed'
BEGIN UPDATE projects SET closed_at = datetime('now') WHERE id = NEW.id; END;

CREATE TRIGGER projects_default_client AFTER INSERT ON projects
        WHEN NEW.client_id IS NULL BEGIN
        UPDATE projects SET client_id = (SELECT min(id) FROM clients
            WHERE centre_id = NEW.centre_id) WHERE id = NEW.id;
    END;

CREATE TRIGGER projects_languages_known_insert BEFORE INSERT ON projects BEGIN SELECT RAISE(ABORT, 'unknown language') WHERE EXISTS (SELECT 1 FROM json_each(NEW.languages) WHERE value NOT IN (SELECT code FROM languages)); END;

CREATE TRIGGER projects_languages_known_update BEFORE UPDATE OF languages ON projects BEGIN SELECT RAISE(ABORT, 'unknown language') WHERE EXISTS (SELECT 1 FROM json_each(NEW.languages) WHERE value NOT IN (SELECT code FROM languages)); END;

CREATE TRIGGER projects_purged_only_by_purge BEFORE UPDATE OF purged_at ON projects
WHEN NEW.purged_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM purges p
    WHERE p.project_id = NEW.id AND p.status = 'approved')
BEGIN SELECT RAISE(ABORT, 'a project is purged only by an approved purge'); END;

CREATE TRIGGER projects_reopened AFTER UPDATE OF status ON projects
WHEN NEW.status <> 'closed' AND OLD.status = 'closed'
BEGIN UPDATE projects SET closed_at = NULL WHERE id = NEW.id; END;

CREATE TRIGGER projects_review_seed AFTER INSERT ON projects WHEN NEW.review_seed = 0
        BEGIN UPDATE projects SET review_seed = abs(random() % 2147483647) + 1
        WHERE id = NEW.id; END;

CREATE TRIGGER projects_texts_gone AFTER DELETE ON projects BEGIN DELETE FROM texts WHERE kind = 'project' AND owner_id = OLD.id; END;

CREATE TRIGGER purges_approved_by_another BEFORE UPDATE OF status ON purges
WHEN NEW.status = 'approved' AND (OLD.status <> 'asked' OR NEW.approved_by IS OLD.asked_by
    OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.approved_by AND u.active = 1
                   AND u.role IN ('supervisor', 'admin')))
BEGIN SELECT RAISE(ABORT, 'a purge is approved by another supervisor'); END;

CREATE TRIGGER purges_done_after_approval BEFORE UPDATE OF status ON purges
WHEN NEW.status = 'done' AND OLD.status <> 'approved'
BEGIN SELECT RAISE(ABORT, 'only an approved purge is carried out'); END;

CREATE TRIGGER purges_final BEFORE UPDATE ON purges
WHEN OLD.status IN ('done', 'cancelled')
BEGIN SELECT RAISE(ABORT, 'a deletion record is final'); END;

CREATE TRIGGER purges_keep BEFORE DELETE ON purges
BEGIN SELECT RAISE(ABORT, 'deletion records are never deleted'); END;

CREATE TRIGGER quality_person_delete AFTER DELETE ON assignments
            WHEN OLD.state != 'active' BEGIN 
    INSERT INTO quality_by_person (project_id, user_id, answers, skips, gold, gold_right,
                                   compared, agree)
    SELECT OLD.project_id, OLD.user_id, -1 * (OLD.state = 'submitted'),
        -1 * (OLD.state IN ('skipped', 'reported')), -1 * (OLD.state = 'submitted' AND t.gold_answer IS NOT NULL),
        -1 * (OLD.state = 'submitted' AND t.gold_answer IS NOT NULL AND (CASE WHEN OLD.answer = t.gold_answer THEN 1 ELSE coalesce(velai_answer_key(OLD.answer) = velai_answer_key(t.gold_answer), 0) END)), -1 * (OLD.state = 'submitted' AND t.gold_answer IS NULL AND t.aggregate IS NOT NULL),
        -1 * (OLD.state = 'submitted' AND t.gold_answer IS NULL AND t.aggregate IS NOT NULL AND (CASE WHEN OLD.answer = t.aggregate THEN 1 ELSE coalesce(velai_answer_key(OLD.answer) = velai_answer_key(t.aggregate), 0) END))
    FROM tasks t WHERE t.id = OLD.task_id AND OLD.state != 'active'
    ON CONFLICT (project_id, user_id) DO UPDATE SET answers = answers + excluded.answers,
        skips = skips + excluded.skips, gold = gold + excluded.gold,
        gold_right = gold_right + excluded.gold_right, compared = compared + excluded.compared,
        agree = agree + excluded.agree;
    INSERT INTO seconds_by_person (project_id, user_id, seconds, answers)
    SELECT OLD.project_id, OLD.user_id, OLD.seconds_spent, -1
    WHERE OLD.state = 'submitted' AND OLD.seconds_spent IS NOT NULL
    ON CONFLICT (project_id, user_id, seconds) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO gold_by_day (project_id, day, answers, correct)
    SELECT OLD.project_id, date(OLD.submitted_at, '+330 minutes'), -1,
        -1 * (CASE WHEN OLD.answer = t.gold_answer THEN 1 ELSE coalesce(velai_answer_key(OLD.answer) = velai_answer_key(t.gold_answer), 0) END)
    FROM tasks t WHERE t.id = OLD.task_id AND OLD.state = 'submitted' AND t.gold_answer IS NOT NULL
    ON CONFLICT (project_id, day) DO UPDATE SET answers = answers + excluded.answers,
        correct = correct + excluded.correct; END;

CREATE TRIGGER quality_person_insert AFTER INSERT ON assignments
            WHEN NEW.state != 'active' BEGIN 
    INSERT INTO quality_by_person (project_id, user_id, answers, skips, gold, gold_right,
                                   compared, agree)
    SELECT NEW.project_id, NEW.user_id, 1 * (NEW.state = 'submitted'),
        1 * (NEW.state IN ('skipped', 'reported')), 1 * (NEW.state = 'submitted' AND t.gold_answer IS NOT NULL),
        1 * (NEW.state = 'submitted' AND t.gold_answer IS NOT NULL AND (CASE WHEN NEW.answer = t.gold_answer THEN 1 ELSE coalesce(velai_answer_key(NEW.answer) = velai_answer_key(t.gold_answer), 0) END)), 1 * (NEW.state = 'submitted' AND t.gold_answer IS NULL AND t.aggregate IS NOT NULL),
        1 * (NEW.state = 'submitted' AND t.gold_answer IS NULL AND t.aggregate IS NOT NULL AND (CASE WHEN NEW.answer = t.aggregate THEN 1 ELSE coalesce(velai_answer_key(NEW.answer) = velai_answer_key(t.aggregate), 0) END))
    FROM tasks t WHERE t.id = NEW.task_id AND NEW.state != 'active'
    ON CONFLICT (project_id, user_id) DO UPDATE SET answers = answers + excluded.answers,
        skips = skips + excluded.skips, gold = gold + excluded.gold,
        gold_right = gold_right + excluded.gold_right, compared = compared + excluded.compared,
        agree = agree + excluded.agree;
    INSERT INTO seconds_by_person (project_id, user_id, seconds, answers)
    SELECT NEW.project_id, NEW.user_id, NEW.seconds_spent, 1
    WHERE NEW.state = 'submitted' AND NEW.seconds_spent IS NOT NULL
    ON CONFLICT (project_id, user_id, seconds) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO gold_by_day (project_id, day, answers, correct)
    SELECT NEW.project_id, date(NEW.submitted_at, '+330 minutes'), 1,
        1 * (CASE WHEN NEW.answer = t.gold_answer THEN 1 ELSE coalesce(velai_answer_key(NEW.answer) = velai_answer_key(t.gold_answer), 0) END)
    FROM tasks t WHERE t.id = NEW.task_id AND NEW.state = 'submitted' AND t.gold_answer IS NOT NULL
    ON CONFLICT (project_id, day) DO UPDATE SET answers = answers + excluded.answers,
        correct = correct + excluded.correct; END;

CREATE TRIGGER quality_person_update_new
            AFTER UPDATE OF state, answer, seconds_spent, submitted_at, user_id, project_id
            ON assignments WHEN NEW.state != 'active' AND (OLD.state != 'active' OR NEW.state != 'active') AND (
    OLD.state IS NOT NEW.state OR OLD.answer IS NOT NEW.answer
    OR OLD.seconds_spent IS NOT NEW.seconds_spent OR OLD.submitted_at IS NOT NEW.submitted_at
    OR OLD.user_id IS NOT NEW.user_id OR OLD.project_id IS NOT NEW.project_id)
            BEGIN 
    INSERT INTO quality_by_person (project_id, user_id, answers, skips, gold, gold_right,
                                   compared, agree)
    SELECT NEW.project_id, NEW.user_id, 1 * (NEW.state = 'submitted'),
        1 * (NEW.state IN ('skipped', 'reported')), 1 * (NEW.state = 'submitted' AND t.gold_answer IS NOT NULL),
        1 * (NEW.state = 'submitted' AND t.gold_answer IS NOT NULL AND (CASE WHEN NEW.answer = t.gold_answer THEN 1 ELSE coalesce(velai_answer_key(NEW.answer) = velai_answer_key(t.gold_answer), 0) END)), 1 * (NEW.state = 'submitted' AND t.gold_answer IS NULL AND t.aggregate IS NOT NULL),
        1 * (NEW.state = 'submitted' AND t.gold_answer IS NULL AND t.aggregate IS NOT NULL AND (CASE WHEN NEW.answer = t.aggregate THEN 1 ELSE coalesce(velai_answer_key(NEW.answer) = velai_answer_key(t.aggregate), 0) END))
    FROM tasks t WHERE t.id = NEW.task_id AND NEW.state != 'active'
    ON CONFLICT (project_id, user_id) DO UPDATE SET answers = answers + excluded.answers,
        skips = skips + excluded.skips, gold = gold + excluded.gold,
        gold_right = gold_right + excluded.gold_right, compared = compared + excluded.compared,
        agree = agree + excluded.agree;
    INSERT INTO seconds_by_person (project_id, user_id, seconds, answers)
    SELECT NEW.project_id, NEW.user_id, NEW.seconds_spent, 1
    WHERE NEW.state = 'submitted' AND NEW.seconds_spent IS NOT NULL
    ON CONFLICT (project_id, user_id, seconds) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO gold_by_day (project_id, day, answers, correct)
    SELECT NEW.project_id, date(NEW.submitted_at, '+330 minutes'), 1,
        1 * (CASE WHEN NEW.answer = t.gold_answer THEN 1 ELSE coalesce(velai_answer_key(NEW.answer) = velai_answer_key(t.gold_answer), 0) END)
    FROM tasks t WHERE t.id = NEW.task_id AND NEW.state = 'submitted' AND t.gold_answer IS NOT NULL
    ON CONFLICT (project_id, day) DO UPDATE SET answers = answers + excluded.answers,
        correct = correct + excluded.correct; END;

CREATE TRIGGER quality_person_update_old
            AFTER UPDATE OF state, answer, seconds_spent, submitted_at, user_id, project_id
            ON assignments WHEN OLD.state != 'active' AND (OLD.state != 'active' OR NEW.state != 'active') AND (
    OLD.state IS NOT NEW.state OR OLD.answer IS NOT NEW.answer
    OR OLD.seconds_spent IS NOT NEW.seconds_spent OR OLD.submitted_at IS NOT NEW.submitted_at
    OR OLD.user_id IS NOT NEW.user_id OR OLD.project_id IS NOT NEW.project_id)
            BEGIN 
    INSERT INTO quality_by_person (project_id, user_id, answers, skips, gold, gold_right,
                                   compared, agree)
    SELECT OLD.project_id, OLD.user_id, -1 * (OLD.state = 'submitted'),
        -1 * (OLD.state IN ('skipped', 'reported')), -1 * (OLD.state = 'submitted' AND t.gold_answer IS NOT NULL),
        -1 * (OLD.state = 'submitted' AND t.gold_answer IS NOT NULL AND (CASE WHEN OLD.answer = t.gold_answer THEN 1 ELSE coalesce(velai_answer_key(OLD.answer) = velai_answer_key(t.gold_answer), 0) END)), -1 * (OLD.state = 'submitted' AND t.gold_answer IS NULL AND t.aggregate IS NOT NULL),
        -1 * (OLD.state = 'submitted' AND t.gold_answer IS NULL AND t.aggregate IS NOT NULL AND (CASE WHEN OLD.answer = t.aggregate THEN 1 ELSE coalesce(velai_answer_key(OLD.answer) = velai_answer_key(t.aggregate), 0) END))
    FROM tasks t WHERE t.id = OLD.task_id AND OLD.state != 'active'
    ON CONFLICT (project_id, user_id) DO UPDATE SET answers = answers + excluded.answers,
        skips = skips + excluded.skips, gold = gold + excluded.gold,
        gold_right = gold_right + excluded.gold_right, compared = compared + excluded.compared,
        agree = agree + excluded.agree;
    INSERT INTO seconds_by_person (project_id, user_id, seconds, answers)
    SELECT OLD.project_id, OLD.user_id, OLD.seconds_spent, -1
    WHERE OLD.state = 'submitted' AND OLD.seconds_spent IS NOT NULL
    ON CONFLICT (project_id, user_id, seconds) DO UPDATE SET answers = answers + excluded.answers;
    INSERT INTO gold_by_day (project_id, day, answers, correct)
    SELECT OLD.project_id, date(OLD.submitted_at, '+330 minutes'), -1,
        -1 * (CASE WHEN OLD.answer = t.gold_answer THEN 1 ELSE coalesce(velai_answer_key(OLD.answer) = velai_answer_key(t.gold_answer), 0) END)
    FROM tasks t WHERE t.id = OLD.task_id AND OLD.state = 'submitted' AND t.gold_answer IS NOT NULL
    ON CONFLICT (project_id, day) DO UPDATE SET answers = answers + excluded.answers,
        correct = correct + excluded.correct; END;

CREATE TRIGGER quality_task_update AFTER UPDATE OF aggregate, gold_answer ON tasks
        WHEN OLD.aggregate IS NOT NEW.aggregate OR OLD.gold_answer IS NOT NEW.gold_answer
        BEGIN
        INSERT INTO quality_by_person (project_id, user_id, answers, skips, gold, gold_right,
                                       compared, agree)
        SELECT a.project_id, a.user_id, 0, 0, + (NEW.gold_answer IS NOT NULL) - (OLD.gold_answer IS NOT NULL), + (NEW.gold_answer IS NOT NULL AND (CASE WHEN a.answer = NEW.gold_answer THEN 1 ELSE coalesce(velai_answer_key(a.answer) = velai_answer_key(NEW.gold_answer), 0) END)) - (OLD.gold_answer IS NOT NULL AND (CASE WHEN a.answer = OLD.gold_answer THEN 1 ELSE coalesce(velai_answer_key(a.answer) = velai_answer_key(OLD.gold_answer), 0) END)), + (NEW.gold_answer IS NULL AND NEW.aggregate IS NOT NULL) - (OLD.gold_answer IS NULL AND OLD.aggregate IS NOT NULL), + (NEW.gold_answer IS NULL AND NEW.aggregate IS NOT NULL AND (CASE WHEN a.answer = NEW.aggregate THEN 1 ELSE coalesce(velai_answer_key(a.answer) = velai_answer_key(NEW.aggregate), 0) END)) - (OLD.gold_answer IS NULL AND OLD.aggregate IS NOT NULL AND (CASE WHEN a.answer = OLD.aggregate THEN 1 ELSE coalesce(velai_answer_key(a.answer) = velai_answer_key(OLD.aggregate), 0) END))
        FROM assignments a WHERE a.task_id = NEW.id AND a.state = 'submitted'
        ON CONFLICT (project_id, user_id) DO UPDATE SET gold = gold + excluded.gold,
            gold_right = gold_right + excluded.gold_right,
            compared = compared + excluded.compared, agree = agree + excluded.agree;
        INSERT INTO gold_by_day (project_id, day, answers, correct)
        SELECT a.project_id, date(a.submitted_at, '+330 minutes'), + (NEW.gold_answer IS NOT NULL) - (OLD.gold_answer IS NOT NULL),
            + (NEW.gold_answer IS NOT NULL AND (CASE WHEN a.answer = NEW.gold_answer THEN 1 ELSE coalesce(velai_answer_key(a.answer) = velai_answer_key(NEW.gold_answer), 0) END)) - (OLD.gold_answer IS NOT NULL AND (CASE WHEN a.answer = OLD.gold_answer THEN 1 ELSE coalesce(velai_answer_key(a.answer) = velai_answer_key(OLD.gold_answer), 0) END))
        FROM assignments a WHERE a.task_id = NEW.id AND a.state = 'submitted'
            AND OLD.gold_answer IS NOT NEW.gold_answer
        ON CONFLICT (project_id, day) DO UPDATE SET answers = answers + excluded.answers,
            correct = correct + excluded.correct;
        END;

CREATE TRIGGER quiz_answer_stands BEFORE UPDATE OF answer, correct
        ON quiz_attempt_questions WHEN OLD.answer IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'quiz answer already given'); END;

CREATE TRIGGER quiz_questions_texts_gone AFTER DELETE ON quiz_questions BEGIN DELETE FROM texts WHERE kind = 'question' AND owner_id = OLD.id; END;

CREATE TRIGGER recordings_accepted_when_verified
        BEFORE UPDATE OF review_state ON assignments
        WHEN NEW.review_state = 'accepted' AND OLD.review_state IS NOT 'accepted'
            AND NEW.reviewed_by IS NULL
            AND EXISTS (SELECT 1 FROM projects p WHERE p.id = NEW.project_id
                        AND p.verified_by_project_id IS NOT NULL)
            AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.recording_assignment_id = NEW.id
                            AND t.status = 'done' AND t.aggregate = 'yes')
        BEGIN SELECT RAISE(ABORT, 'recording_unverified: its listeners have not said yes');
        END;

CREATE TRIGGER review_bulks_undo_before_payout BEFORE UPDATE OF undone_at ON review_bulks
WHEN NEW.undone_at IS NOT NULL AND EXISTS (SELECT 1 FROM review_bulk_items b
    JOIN payout_items i ON i.assignment_id = b.assignment_id AND i.live = 1
    WHERE b.bulk_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'an answer of this bulk decision is in a payout'); END;

CREATE TRIGGER review_bulks_undone_once BEFORE UPDATE ON review_bulks
WHEN OLD.undone_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a bulk decision is undone once'); END;

CREATE TRIGGER tasks_by_status_delete AFTER DELETE ON tasks
        BEGIN INSERT INTO tasks_by_status (project_id, status, tasks)
    VALUES (OLD.project_id, OLD.status, -1)
    ON CONFLICT (project_id, status) DO UPDATE SET tasks = tasks + excluded.tasks; END;

CREATE TRIGGER tasks_by_status_insert AFTER INSERT ON tasks
        BEGIN INSERT INTO tasks_by_status (project_id, status, tasks)
    VALUES (NEW.project_id, NEW.status, 1)
    ON CONFLICT (project_id, status) DO UPDATE SET tasks = tasks + excluded.tasks; END;

CREATE TRIGGER tasks_by_status_update AFTER UPDATE OF status, project_id ON tasks
        WHEN OLD.status IS NOT NEW.status OR OLD.project_id IS NOT NEW.project_id
        BEGIN INSERT INTO tasks_by_status (project_id, status, tasks)
    VALUES (OLD.project_id, OLD.status, -1)
    ON CONFLICT (project_id, status) DO UPDATE SET tasks = tasks + excluded.tasks; INSERT INTO tasks_by_status (project_id, status, tasks)
    VALUES (NEW.project_id, NEW.status, 1)
    ON CONFLICT (project_id, status) DO UPDATE SET tasks = tasks + excluded.tasks; END;

CREATE TRIGGER texts_bump_delete AFTER DELETE ON texts WHEN OLD.kind IN ('project', 'label') BEGIN UPDATE projects SET content_version = content_version + 1 WHERE id = CASE OLD.kind WHEN 'project' THEN OLD.owner_id WHEN 'label' THEN (SELECT project_id FROM labels WHERE id = OLD.owner_id) END; END;

CREATE TRIGGER texts_bump_insert AFTER INSERT ON texts WHEN NEW.kind IN ('project', 'label') BEGIN UPDATE projects SET content_version = content_version + 1 WHERE id = CASE NEW.kind WHEN 'project' THEN NEW.owner_id WHEN 'label' THEN (SELECT project_id FROM labels WHERE id = NEW.owner_id) END; END;

CREATE TRIGGER texts_bump_update AFTER UPDATE ON texts WHEN NEW.kind IN ('project', 'label') BEGIN UPDATE projects SET content_version = content_version + 1 WHERE id = CASE NEW.kind WHEN 'project' THEN NEW.owner_id WHEN 'label' THEN (SELECT project_id FROM labels WHERE id = NEW.owner_id) END; END;

CREATE TRIGGER uploads_done_stays BEFORE UPDATE ON uploads
        WHEN OLD.media_id IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'upload_done: a completed upload does not change'); END;

CREATE TRIGGER user_clients_same_centre BEFORE INSERT ON user_clients
        WHEN NOT EXISTS (SELECT 1 FROM users u JOIN clients c ON c.centre_id = u.centre_id
            WHERE u.id = NEW.user_id AND c.id = NEW.client_id AND u.role = 'supervisor')
        BEGIN SELECT RAISE(ABORT, 'only a supervisor of the client''s centre'); END;

CREATE TRIGGER users_offline_key AFTER INSERT ON users WHEN NEW.offline_key IS NULL
        BEGIN
            UPDATE users SET offline_key = lower(hex(randomblob(32))) WHERE id = NEW.id;
        END;

CREATE TRIGGER work_by_day_delete AFTER DELETE ON assignments
        WHEN OLD.state = 'submitted' BEGIN INSERT INTO work_by_day (project_id, day, user_id, answers, seconds, earned_paise)
    SELECT OLD.project_id, date(OLD.submitted_at, '+330 minutes'), OLD.user_id, -1, -1 * coalesce(OLD.seconds_spent, 0),
      -1 * CASE WHEN OLD.review_state IN ('accepted', 'pending') THEN OLD.pay_paise ELSE 0 END WHERE OLD.state = 'submitted'
    ON CONFLICT (project_id, day, user_id) DO UPDATE SET answers = answers + excluded.answers,
        seconds = seconds + excluded.seconds,
        earned_paise = earned_paise + excluded.earned_paise;
    INSERT INTO answers_by_project (project_id, answers)
    SELECT OLD.project_id, -1 WHERE OLD.state = 'submitted'
    ON CONFLICT (project_id) DO UPDATE SET answers = answers + excluded.answers; END;

CREATE TRIGGER work_by_day_insert AFTER INSERT ON assignments
        WHEN NEW.state = 'submitted' BEGIN INSERT INTO work_by_day (project_id, day, user_id, answers, seconds, earned_paise)
    SELECT NEW.project_id, date(NEW.submitted_at, '+330 minutes'), NEW.user_id, 1, 1 * coalesce(NEW.seconds_spent, 0),
      1 * CASE WHEN NEW.review_state IN ('accepted', 'pending') THEN NEW.pay_paise ELSE 0 END WHERE NEW.state = 'submitted'
    ON CONFLICT (project_id, day, user_id) DO UPDATE SET answers = answers + excluded.answers,
        seconds = seconds + excluded.seconds,
        earned_paise = earned_paise + excluded.earned_paise;
    INSERT INTO answers_by_project (project_id, answers)
    SELECT NEW.project_id, 1 WHERE NEW.state = 'submitted'
    ON CONFLICT (project_id) DO UPDATE SET answers = answers + excluded.answers; END;

CREATE TRIGGER work_by_day_update
        AFTER UPDATE OF state, review_state, pay_paise, submitted_at, user_id, project_id,
          seconds_spent ON assignments
        WHEN (OLD.state = 'submitted' OR NEW.state = 'submitted') AND (
            OLD.state IS NOT NEW.state OR OLD.user_id IS NOT NEW.user_id
            OR OLD.project_id IS NOT NEW.project_id
            OR OLD.submitted_at IS NOT NEW.submitted_at
            OR OLD.seconds_spent IS NOT NEW.seconds_spent
            OR (CASE WHEN OLD.review_state IN ('accepted', 'pending') THEN OLD.pay_paise ELSE 0 END) IS NOT (CASE WHEN NEW.review_state IN ('accepted', 'pending') THEN NEW.pay_paise ELSE 0 END))
        BEGIN INSERT INTO work_by_day (project_id, day, user_id, answers, seconds, earned_paise)
    SELECT OLD.project_id, date(OLD.submitted_at, '+330 minutes'), OLD.user_id, -1, -1 * coalesce(OLD.seconds_spent, 0),
      -1 * CASE WHEN OLD.review_state IN ('accepted', 'pending') THEN OLD.pay_paise ELSE 0 END WHERE OLD.state = 'submitted'
    ON CONFLICT (project_id, day, user_id) DO UPDATE SET answers = answers + excluded.answers,
        seconds = seconds + excluded.seconds,
        earned_paise = earned_paise + excluded.earned_paise;
    INSERT INTO answers_by_project (project_id, answers)
    SELECT OLD.project_id, -1 WHERE OLD.state = 'submitted'
    ON CONFLICT (project_id) DO UPDATE SET answers = answers + excluded.answers; INSERT INTO work_by_day (project_id, day, user_id, answers, seconds, earned_paise)
    SELECT NEW.project_id, date(NEW.submitted_at, '+330 minutes'), NEW.user_id, 1, 1 * coalesce(NEW.seconds_spent, 0),
      1 * CASE WHEN NEW.review_state IN ('accepted', 'pending') THEN NEW.pay_paise ELSE 0 END WHERE NEW.state = 'submitted'
    ON CONFLICT (project_id, day, user_id) DO UPDATE SET answers = answers + excluded.answers,
        seconds = seconds + excluded.seconds,
        earned_paise = earned_paise + excluded.earned_paise;
    INSERT INTO answers_by_project (project_id, answers)
    SELECT NEW.project_id, 1 WHERE NEW.state = 'submitted'
    ON CONFLICT (project_id) DO UPDATE SET answers = answers + excluded.answers; END;
