"""The archive's schema as SQL migrations: data, not code. ``store.py`` runs them in order.

Each entry upgrades the schema by one version; ``PRAGMA user_version`` records how many ran, so
an archive made by an older postlink gains the later ones when it is next opened.
"""

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, url TEXT,
        path TEXT, tags TEXT, interval REAL, last_polled TEXT, next_due TEXT, etag TEXT,
        last_modified TEXT, content_sha256 TEXT, status TEXT, error TEXT,
        enabled INTEGER NOT NULL DEFAULT 1, base_interval REAL,
        failures INTEGER NOT NULL DEFAULT 0, last_full TEXT, children TEXT);
    CREATE TABLE source_items (
        id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL REFERENCES sources(id),
        url TEXT UNIQUE NOT NULL, fetch_url TEXT NOT NULL, stamp TEXT,
        state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, error TEXT,
        discovered_at TEXT NOT NULL, updated_at TEXT,
        article_id INTEGER REFERENCES articles(id), etag TEXT, last_modified TEXT);
    CREATE INDEX source_items_state ON source_items(source_id, state);
    CREATE TABLE captures (
        id INTEGER PRIMARY KEY, url TEXT NOT NULL, fetched_at TEXT NOT NULL, status INTEGER,
        headers TEXT, content_type TEXT, body BLOB, sha256 TEXT NOT NULL UNIQUE,
        postlink_version TEXT);
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY, url TEXT UNIQUE NOT NULL, original_url TEXT, input_path TEXT,
        title TEXT, byline TEXT, published TEXT, first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL, source_id INTEGER REFERENCES sources(id));
    CREATE INDEX articles_input_path ON articles(input_path);
    CREATE TABLE article_versions (
        id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id),
        version INTEGER NOT NULL, sha256 TEXT NOT NULL, fetched_at TEXT NOT NULL,
        capture_id INTEGER REFERENCES captures(id), text TEXT NOT NULL, title TEXT,
        postlink_version TEXT,
        UNIQUE(article_id, version), UNIQUE(article_id, sha256));
    CREATE TABLE sentences (
        id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL REFERENCES article_versions(id),
        idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
        UNIQUE(version_id, idx));
    CREATE TABLE posts (
        key TEXT PRIMARY KEY, platform TEXT NOT NULL, permalink TEXT, author_handle TEXT,
        author_name TEXT, created_at TEXT, status TEXT NOT NULL DEFAULT 'not_checked',
        provisional INTEGER NOT NULL DEFAULT 0, first_seen TEXT NOT NULL, last_checked TEXT,
        gone_since TEXT);
    CREATE TABLE post_versions (
        id INTEGER PRIMARY KEY, post_key TEXT NOT NULL REFERENCES posts(key) ON UPDATE CASCADE,
        text TEXT NOT NULL, truncated INTEGER NOT NULL DEFAULT 0, media TEXT,
        fetched_at TEXT NOT NULL, source TEXT NOT NULL, sha256 TEXT NOT NULL,
        UNIQUE(post_key, sha256));
    CREATE TABLE embeds (
        id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL REFERENCES article_versions(id),
        idx INTEGER NOT NULL, post_key TEXT NOT NULL REFERENCES posts(key) ON UPDATE CASCADE,
        markup TEXT NOT NULL, position INTEGER, text TEXT, truncated INTEGER NOT NULL DEFAULT 0,
        date_text TEXT, UNIQUE(version_id, idx));
    CREATE TABLE links (
        id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL REFERENCES article_versions(id),
        idx INTEGER NOT NULL, href TEXT NOT NULL, url TEXT NOT NULL, anchor TEXT,
        start INTEGER, "end" INTEGER, post_key TEXT, in_post TEXT,
        UNIQUE(version_id, idx));
    CREATE TABLE short_links (
        url TEXT PRIMARY KEY, status TEXT NOT NULL, final_url TEXT, canonical_url TEXT,
        hops INTEGER NOT NULL DEFAULT 0, error TEXT, checked_at TEXT NOT NULL,
        expires_at TEXT NOT NULL);
    CREATE TABLE redirects (
        id INTEGER PRIMARY KEY, short_url TEXT NOT NULL REFERENCES short_links(url),
        hop INTEGER NOT NULL, from_url TEXT NOT NULL, to_url TEXT, status_code INTEGER,
        via TEXT NOT NULL, ms REAL, UNIQUE(short_url, hop));
    CREATE TABLE citations (
        id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL REFERENCES article_versions(id),
        sentence_idx INTEGER NOT NULL,
        post_key TEXT NOT NULL REFERENCES posts(key) ON UPDATE CASCADE,
        kind TEXT NOT NULL, score REAL NOT NULL, quote TEXT, article_start INTEGER,
        article_end INTEGER, post_start INTEGER, post_end INTEGER, diff TEXT,
        beyond_truncation INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX citations_post ON citations(post_key);
    CREATE TABLE unmatched_quotes (
        id INTEGER PRIMARY KEY, version_id INTEGER NOT NULL REFERENCES article_versions(id),
        sentence_idx INTEGER NOT NULL, quote TEXT NOT NULL, article_start INTEGER,
        article_end INTEGER);
    CREATE TABLE fetch_log (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, url TEXT NOT NULL, host TEXT, status INTEGER,
        bytes INTEGER, ms REAL, error TEXT);
    CREATE VIRTUAL TABLE sentences_fts USING fts5(text, content='sentences', content_rowid='id');
    CREATE TRIGGER sentences_ai AFTER INSERT ON sentences BEGIN
        INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END;
    CREATE TRIGGER sentences_ad AFTER DELETE ON sentences BEGIN
        INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END;
    CREATE VIRTUAL TABLE post_versions_fts USING fts5(
        text, content='post_versions', content_rowid='id');
    CREATE TRIGGER post_versions_ai AFTER INSERT ON post_versions BEGIN
        INSERT INTO post_versions_fts(rowid, text) VALUES (new.id, new.text); END;
    CREATE TRIGGER post_versions_ad AFTER DELETE ON post_versions BEGIN
        INSERT INTO post_versions_fts(post_versions_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
    END;
    """,
    # 2 (issue 15): every read is bounded by what it returns. An index for each foreign key a
    # read filters by, so audit, posts, search, list and status never scan a large table;
    # the old single-column citations_post is folded into one that also orders by version.
    """
    CREATE INDEX citations_version ON citations(version_id, sentence_idx);
    DROP INDEX citations_post;
    CREATE INDEX citations_post ON citations(post_key, version_id, sentence_idx);
    CREATE INDEX unmatched_quotes_version ON unmatched_quotes(version_id, sentence_idx);
    CREATE INDEX embeds_post ON embeds(post_key);
    CREATE INDEX links_post ON links(post_key);
    CREATE INDEX articles_source ON articles(source_id);
    CREATE INDEX articles_original_url ON articles(original_url);
    CREATE INDEX articles_date ON articles(COALESCE(published, first_seen));
    CREATE INDEX source_items_state_time ON source_items(state, updated_at);
    CREATE INDEX posts_provisional_handle ON posts(lower(author_handle)) WHERE provisional = 1;
    CREATE INDEX short_links_expires ON short_links(expires_at);
    CREATE INDEX fetch_log_errors ON fetch_log(id) WHERE error IS NOT NULL;
    """,
    # 3: `add` looks a flattened post's author up among archived posts too, not only among
    # provisional ones: one index on the folded handle serves both (a scan of posts per
    # flattened post otherwise).
    """
    DROP INDEX posts_provisional_handle;
    CREATE INDEX posts_handle ON posts(lower(author_handle), provisional);
    """,
    # 4: `posts` counts the articles citing a post through one article_versions lookup per
    # citation; rows of that table hold the article text, so 25,000 lookups read 25,000
    # pages. This index holds just (id, article_id): a few hundred pages (75 -> 21 ms).
    """
    CREATE INDEX article_versions_article ON article_versions(id, article_id);
    """,
    # 5 (issue 12): why each post was kept. Whether an embed or a post link sat inside the
    # article body region (1) or was kept outside it for want of a chrome class word (0);
    # NULL where nobody knows (plain-text input, links to no post, rows from before).
    """
    ALTER TABLE embeds ADD COLUMN in_region INTEGER;
    ALTER TABLE links ADD COLUMN in_region INTEGER;
    """,
    # 6 (issue 13): `remove ARTICLE` finds every row of one article through an index, and so
    # do the foreign-key checks its deletes make: the queue items naming the article, the
    # versions holding a capture (a capture is kept while another version holds it), and the
    # fetch_log rows of the article's URLs.
    """
    CREATE INDEX source_items_article ON source_items(article_id);
    CREATE INDEX article_versions_capture ON article_versions(capture_id);
    CREATE INDEX fetch_log_url ON fetch_log(url);
    """,
    # 7 (issue 14): Datasette and sqlite-utils find a table's full-text index by looking for
    # `content="TABLE"` or `content=[TABLE]` in a virtual table's SQL; ours said
    # `content='sentences'`, so Datasette offered no search on sentences or post_versions and
    # ignored `?_search=` (every row came back). FTS5 reads all three quotings alike, so the
    # declarations are rewritten in place (SQLite's documented writable_schema procedure for
    # changes that leave the file format alone) instead of rebuilding the indexes, which
    # costs about 10 s per million sentences. The update triggers sqlite-utils also makes
    # follow; being DDL, they bump the schema cookie, so open connections re-read the schema.
    """
    PRAGMA writable_schema = ON;
    UPDATE sqlite_master
        SET sql = 'CREATE VIRTUAL TABLE sentences_fts USING fts5(text, content="sentences", content_rowid="id")'
        WHERE type = 'table' AND name = 'sentences_fts';
    UPDATE sqlite_master
        SET sql = 'CREATE VIRTUAL TABLE post_versions_fts USING fts5(text, content="post_versions", content_rowid="id")'
        WHERE type = 'table' AND name = 'post_versions_fts';
    PRAGMA writable_schema = OFF;
    CREATE TRIGGER sentences_au AFTER UPDATE OF text ON sentences BEGIN
        INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER post_versions_au AFTER UPDATE OF text ON post_versions BEGIN
        INSERT INTO post_versions_fts(post_versions_fts, rowid, text)
        VALUES ('delete', old.id, old.text);
        INSERT INTO post_versions_fts(rowid, text) VALUES (new.id, new.text);
    END;
    """,
    # 8 (issue 16): the pages `postlink batch` has stored, so a killed batch resumes without
    # redoing them: one row per (input file, byte offset of the WARC record, sha256 of the
    # page's bytes), written in the same transaction as the page's rows. Failed pages are
    # kept with their error and tried again by the next run.
    """
    CREATE TABLE batch_records (
        file TEXT NOT NULL, byte_offset INTEGER NOT NULL, digest TEXT NOT NULL,
        state TEXT NOT NULL, url TEXT, error TEXT, at TEXT NOT NULL,
        PRIMARY KEY (file, byte_offset, digest)) WITHOUT ROWID;
    """,
    # 9 (issue 13 point 4): which text of the post a citation was checked against. NULL: the
    # page's own embed text (or no text at all); else the post_versions row the resolver used
    # because the page had none (a captured oEmbed/API text, or another article's embed).
    # No REFERENCES: merging a provisional post moves its versions to new ids, and
    # Store.merge_post moves this pointer with them.
    """
    ALTER TABLE citations ADD COLUMN post_version_id INTEGER;
    """,
    # 10 (issue 13): raw captures. Every fetch_log row is the whole exchange: the request line
    # and headers sent, the response's status line and headers, and its body, kept once per
    # distinct content in `bodies` (sha256, zlib) however often it is fetched; plus the
    # article version or post the exchange produced. A row is committed as soon as its
    # response is read, before anything that refers to it, so a kill loses nothing fetched.
    """
    CREATE TABLE bodies (
        id INTEGER PRIMARY KEY, sha256 TEXT UNIQUE NOT NULL, size INTEGER NOT NULL,
        body BLOB NOT NULL);
    ALTER TABLE fetch_log ADD COLUMN method TEXT;
    ALTER TABLE fetch_log ADD COLUMN request_headers TEXT;
    ALTER TABLE fetch_log ADD COLUMN http_version TEXT;
    ALTER TABLE fetch_log ADD COLUMN reason TEXT;
    ALTER TABLE fetch_log ADD COLUMN response_headers TEXT;
    ALTER TABLE fetch_log ADD COLUMN body_sha256 TEXT REFERENCES bodies(sha256);
    ALTER TABLE fetch_log ADD COLUMN truncated INTEGER;
    ALTER TABLE fetch_log ADD COLUMN postlink_version TEXT;
    ALTER TABLE fetch_log ADD COLUMN article_version_id INTEGER
        REFERENCES article_versions(id) ON DELETE SET NULL;
    ALTER TABLE fetch_log ADD COLUMN post_key TEXT
        REFERENCES posts(key) ON UPDATE CASCADE ON DELETE SET NULL;
    CREATE INDEX fetch_log_body ON fetch_log(body_sha256);
    CREATE INDEX fetch_log_version ON fetch_log(article_version_id);
    CREATE INDEX fetch_log_post ON fetch_log(post_key);
    CREATE INDEX fetch_log_at ON fetch_log(at);
    """,
)
