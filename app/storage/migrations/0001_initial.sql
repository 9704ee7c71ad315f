-- Maillage schema, version 1. Generated from the models; do not edit by hand.

CREATE TABLE actions (
	code VARCHAR(60) NOT NULL, 
	title VARCHAR(300) NOT NULL, 
	funder VARCHAR(200) NOT NULL, 
	fse_rate FLOAT NOT NULL, 
	start_date DATE, 
	end_date DATE, 
	description TEXT NOT NULL, 
	retention_end DATE, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_actions_change_seq ON actions (change_seq);

CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	os_user VARCHAR(100) NOT NULL, 
	site_id VARCHAR(36) NOT NULL, 
	table_name VARCHAR(40) NOT NULL, 
	record_id VARCHAR(36) NOT NULL, 
	operation VARCHAR(20) NOT NULL, 
	fields TEXT NOT NULL, 
	reason TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_audit_log_at ON audit_log (at);

CREATE INDEX ix_audit_log_record_id ON audit_log (record_id);

CREATE TABLE blobs (
	sha256 VARCHAR(64) NOT NULL, 
	mime VARCHAR(100) NOT NULL, 
	size INTEGER NOT NULL, 
	data BLOB NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (sha256)
);

CREATE TABLE convention_templates (
	code VARCHAR(60) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	preamble TEXT NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_convention_templates_change_seq ON convention_templates (change_seq);

CREATE TABLE organisation_kinds (
	code VARCHAR(40) NOT NULL, 
	label VARCHAR(200) NOT NULL, 
	family VARCHAR(100) NOT NULL, 
	position INTEGER NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (code)
);

CREATE INDEX ix_organisation_kinds_change_seq ON organisation_kinds (change_seq);

CREATE TABLE organisations (
	name VARCHAR(300) NOT NULL, 
	acronym VARCHAR(60) NOT NULL, 
	kind_code VARCHAR(40) NOT NULL, 
	siret VARCHAR(14), 
	address TEXT NOT NULL, 
	postcode VARCHAR(10) NOT NULL, 
	city VARCHAR(150) NOT NULL, 
	territory VARCHAR(150) NOT NULL, 
	phone VARCHAR(20) NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	website VARCHAR(300) NOT NULL, 
	legal_form VARCHAR(120) NOT NULL, 
	legal_rep_name VARCHAR(200) NOT NULL, 
	legal_rep_title VARCHAR(200) NOT NULL, 
	headcount INTEGER, 
	tags TEXT NOT NULL, 
	notes TEXT NOT NULL, 
	archived BOOLEAN NOT NULL, 
	archived_reason TEXT NOT NULL, 
	merged_into VARCHAR(36), 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(merged_into) REFERENCES organisations (id)
);

CREATE INDEX ix_organisations_change_seq ON organisations (change_seq);

CREATE INDEX ix_organisations_kind ON organisations (kind_code);

CREATE INDEX ix_organisations_name ON organisations (name);

CREATE INDEX ix_organisations_postcode ON organisations (postcode);

CREATE INDEX ix_organisations_siret ON organisations (siret);

CREATE TABLE peers (
	site_id VARCHAR(36) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	acked_vv TEXT NOT NULL, 
	their_vv TEXT NOT NULL, 
	public_key TEXT NOT NULL, 
	last_import_at DATETIME, 
	last_export_at DATETIME, 
	PRIMARY KEY (site_id)
);

CREATE TABLE people (
	civility VARCHAR(10) NOT NULL, 
	last_name VARCHAR(150) NOT NULL, 
	first_name VARCHAR(150) NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	phone VARCHAR(20) NOT NULL, 
	mobile VARCHAR(20) NOT NULL, 
	category VARCHAR(40) NOT NULL, 
	is_beneficiary BOOLEAN NOT NULL, 
	consent_date DATE, 
	consent_source VARCHAR(200) NOT NULL, 
	notes TEXT NOT NULL, 
	archived BOOLEAN NOT NULL, 
	archived_reason TEXT NOT NULL, 
	merged_into VARCHAR(36), 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(merged_into) REFERENCES people (id)
);

CREATE INDEX ix_people_category ON people (category);

CREATE INDEX ix_people_change_seq ON people (change_seq);

CREATE INDEX ix_people_email ON people (email);

CREATE INDEX ix_people_last_name ON people (last_name, first_name);

CREATE TABLE settings (
	"key" VARCHAR(100) NOT NULL, 
	value TEXT, 
	PRIMARY KEY ("key")
);

CREATE TABLE sync_files (
	file_id VARCHAR(36) NOT NULL, 
	direction VARCHAR(10) NOT NULL, 
	peer_site_id VARCHAR(36) NOT NULL, 
	at DATETIME NOT NULL, 
	filename TEXT NOT NULL, 
	summary TEXT NOT NULL, 
	PRIMARY KEY (file_id)
);

CREATE TABLE sync_state (
	id INTEGER NOT NULL, 
	site_id VARCHAR(36) NOT NULL, 
	db_identity VARCHAR(200) NOT NULL, 
	counter INTEGER NOT NULL, 
	hlc INTEGER NOT NULL, 
	change_seq INTEGER NOT NULL, 
	previous_site_ids TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE affiliations (
	person_id VARCHAR(36) NOT NULL, 
	organisation_id VARCHAR(36) NOT NULL, 
	function VARCHAR(200) NOT NULL, 
	start_date DATE, 
	end_date DATE, 
	is_primary BOOLEAN NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(person_id) REFERENCES people (id), 
	FOREIGN KEY(organisation_id) REFERENCES organisations (id)
);

CREATE INDEX ix_affiliations_change_seq ON affiliations (change_seq);

CREATE INDEX ix_affiliations_organisation_id ON affiliations (organisation_id);

CREATE INDEX ix_affiliations_person_id ON affiliations (person_id);

CREATE TABLE conventions (
	number VARCHAR(60) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	title VARCHAR(300) NOT NULL, 
	action_id VARCHAR(36), 
	template_id VARCHAR(36), 
	parent_id VARCHAR(36), 
	object TEXT NOT NULL, 
	start_date DATE, 
	end_date DATE, 
	amount_cents INTEGER, 
	fse_rate FLOAT NOT NULL, 
	other_funders TEXT NOT NULL, 
	required_evidence TEXT NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	sent_date DATE, 
	signed_date DATE, 
	ended_date DATE, 
	termination_reason TEXT NOT NULL, 
	signed_place VARCHAR(150) NOT NULL, 
	copies INTEGER NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(action_id) REFERENCES actions (id), 
	FOREIGN KEY(template_id) REFERENCES convention_templates (id), 
	FOREIGN KEY(parent_id) REFERENCES conventions (id)
);

CREATE INDEX ix_conventions_action_id ON conventions (action_id);

CREATE INDEX ix_conventions_change_seq ON conventions (change_seq);

CREATE INDEX ix_conventions_number ON conventions (number);

CREATE TABLE indicator_targets (
	action_id VARCHAR(36) NOT NULL, 
	label VARCHAR(300) NOT NULL, 
	target FLOAT NOT NULL, 
	unit VARCHAR(40) NOT NULL, 
	rule TEXT NOT NULL, 
	position INTEGER NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(action_id) REFERENCES actions (id)
);

CREATE INDEX ix_indicator_targets_action_id ON indicator_targets (action_id);

CREATE INDEX ix_indicator_targets_change_seq ON indicator_targets (change_seq);

CREATE TABLE meetings (
	kind VARCHAR(40) NOT NULL, 
	title VARCHAR(300) NOT NULL, 
	series VARCHAR(60) NOT NULL, 
	number INTEGER, 
	action_id VARCHAR(36), 
	organiser_id VARCHAR(36), 
	organiser_org_id VARCHAR(36), 
	place_name VARCHAR(300) NOT NULL, 
	place_address TEXT NOT NULL, 
	capacity INTEGER, 
	objectives TEXT NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	minutes TEXT NOT NULL, 
	decisions TEXT NOT NULL, 
	minutes_author VARCHAR(200) NOT NULL, 
	minutes_date DATE, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(action_id) REFERENCES actions (id), 
	FOREIGN KEY(organiser_id) REFERENCES people (id), 
	FOREIGN KEY(organiser_org_id) REFERENCES organisations (id)
);

CREATE INDEX ix_meetings_action_id ON meetings (action_id);

CREATE INDEX ix_meetings_change_seq ON meetings (change_seq);

CREATE INDEX ix_meetings_series ON meetings (series, number);

CREATE TABLE template_articles (
	template_id VARCHAR(36) NOT NULL, 
	position INTEGER NOT NULL, 
	title VARCHAR(300) NOT NULL, 
	body TEXT NOT NULL, 
	condition VARCHAR(20) NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(template_id) REFERENCES convention_templates (id)
);

CREATE INDEX ix_template_articles_change_seq ON template_articles (change_seq);

CREATE INDEX ix_template_articles_template_id ON template_articles (template_id);

CREATE TABLE agenda_items (
	meeting_id VARCHAR(36) NOT NULL, 
	position INTEGER NOT NULL, 
	text TEXT NOT NULL, 
	presenter VARCHAR(200) NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(meeting_id) REFERENCES meetings (id)
);

CREATE INDEX ix_agenda_items_change_seq ON agenda_items (change_seq);

CREATE INDEX ix_agenda_items_meeting_id ON agenda_items (meeting_id);

CREATE TABLE convention_events (
	convention_id VARCHAR(36) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	date DATE NOT NULL, 
	note TEXT NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(convention_id) REFERENCES conventions (id)
);

CREATE INDEX ix_convention_events_change_seq ON convention_events (change_seq);

CREATE INDEX ix_convention_events_convention_id ON convention_events (convention_id);

CREATE TABLE convention_parties (
	convention_id VARCHAR(36) NOT NULL, 
	organisation_id VARCHAR(36), 
	role VARCHAR(20) NOT NULL, 
	representative_name VARCHAR(200) NOT NULL, 
	representative_title VARCHAR(200) NOT NULL, 
	position INTEGER NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(convention_id) REFERENCES conventions (id), 
	FOREIGN KEY(organisation_id) REFERENCES organisations (id)
);

CREATE INDEX ix_convention_parties_change_seq ON convention_parties (change_seq);

CREATE INDEX ix_convention_parties_convention_id ON convention_parties (convention_id);

CREATE INDEX ix_convention_parties_organisation_id ON convention_parties (organisation_id);

CREATE TABLE follow_up_items (
	meeting_id VARCHAR(36) NOT NULL, 
	text TEXT NOT NULL, 
	owner_id VARCHAR(36), 
	owner_label VARCHAR(200) NOT NULL, 
	due_date DATE, 
	done BOOLEAN NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(meeting_id) REFERENCES meetings (id), 
	FOREIGN KEY(owner_id) REFERENCES people (id)
);

CREATE INDEX ix_follow_up_items_change_seq ON follow_up_items (change_seq);

CREATE INDEX ix_follow_up_items_meeting_id ON follow_up_items (meeting_id);

CREATE TABLE installments (
	convention_id VARCHAR(36) NOT NULL, 
	due_date DATE, 
	amount_cents INTEGER NOT NULL, 
	condition TEXT NOT NULL, 
	paid_date DATE, 
	position INTEGER NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(convention_id) REFERENCES conventions (id)
);

CREATE INDEX ix_installments_change_seq ON installments (change_seq);

CREATE INDEX ix_installments_convention_id ON installments (convention_id);

CREATE TABLE participants (
	meeting_id VARCHAR(36) NOT NULL, 
	person_id VARCHAR(36) NOT NULL, 
	organisation_id VARCHAR(36), 
	role VARCHAR(20) NOT NULL, 
	invitation_status VARCHAR(20) NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(meeting_id) REFERENCES meetings (id), 
	FOREIGN KEY(person_id) REFERENCES people (id), 
	FOREIGN KEY(organisation_id) REFERENCES organisations (id)
);

CREATE INDEX ix_participants_change_seq ON participants (change_seq);

CREATE INDEX ix_participants_meeting_id ON participants (meeting_id);

CREATE INDEX ix_participants_person_id ON participants (person_id);

CREATE TABLE sessions (
	meeting_id VARCHAR(36) NOT NULL, 
	date DATE NOT NULL, 
	start_time TIME NOT NULL, 
	end_time TIME NOT NULL, 
	label VARCHAR(60) NOT NULL, 
	sealed BOOLEAN NOT NULL, 
	sealed_at DATETIME, 
	sealed_by VARCHAR(200) NOT NULL, 
	countersign_sha256 VARCHAR(64), 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(meeting_id) REFERENCES meetings (id)
);

CREATE INDEX ix_sessions_change_seq ON sessions (change_seq);

CREATE INDEX ix_sessions_date ON sessions (date);

CREATE INDEX ix_sessions_meeting_date ON sessions (meeting_id, date, start_time);

CREATE TABLE attachments (
	owner_table VARCHAR(40) NOT NULL, 
	owner_id VARCHAR(36) NOT NULL, 
	blob_sha256 VARCHAR(64) NOT NULL, 
	filename VARCHAR(300) NOT NULL, 
	mime VARCHAR(100) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	label VARCHAR(300) NOT NULL, 
	session_id VARCHAR(36), 
	page INTEGER, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(blob_sha256) REFERENCES blobs (sha256), 
	FOREIGN KEY(session_id) REFERENCES sessions (id)
);

CREATE INDEX ix_attachments_change_seq ON attachments (change_seq);

CREATE INDEX ix_attachments_owner ON attachments (owner_table, owner_id);

CREATE TABLE attendance (
	session_id VARCHAR(36) NOT NULL, 
	person_id VARCHAR(36) NOT NULL, 
	status VARCHAR(10) NOT NULL, 
	arrival TIME, 
	departure TIME, 
	signature_sha256 VARCHAR(64), 
	signed_at DATETIME, 
	mode VARCHAR(10) NOT NULL, 
	id VARCHAR(36) NOT NULL, 
	sync_vv TEXT NOT NULL, 
	sync_hlc INTEGER NOT NULL, 
	sync_site VARCHAR(36) NOT NULL, 
	sync_counter INTEGER NOT NULL, 
	sync_fields TEXT NOT NULL, 
	sync_siblings TEXT, 
	deleted BOOLEAN NOT NULL, 
	deleted_vv TEXT, 
	erased BOOLEAN NOT NULL, 
	change_seq INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(session_id) REFERENCES sessions (id), 
	FOREIGN KEY(person_id) REFERENCES people (id)
);

CREATE INDEX ix_attendance_change_seq ON attendance (change_seq);

CREATE INDEX ix_attendance_person_id ON attendance (person_id);

CREATE INDEX ix_attendance_session_id ON attendance (session_id);

CREATE INDEX ix_attendance_signed ON attendance (signature_sha256) WHERE signature_sha256 IS NOT NULL;

CREATE TABLE search_organisations_docs (
	docid INTEGER PRIMARY KEY,
	ref_id VARCHAR(36) NOT NULL UNIQUE,
	title TEXT NOT NULL DEFAULT '',
	extra TEXT NOT NULL DEFAULT '',
	sort_name TEXT,
	sort_acronym TEXT,
	sort_city TEXT,
	sort_territory TEXT,
	deleted BOOLEAN NOT NULL DEFAULT 0,
	archived BOOLEAN NOT NULL DEFAULT 0,
	merged_into VARCHAR(36)
);

CREATE VIRTUAL TABLE search_organisations USING fts5(title, extra, content='search_organisations_docs', content_rowid='docid', prefix='2 3', tokenize='unicode61');

CREATE TRIGGER search_organisations_docs_ai AFTER INSERT ON search_organisations_docs BEGIN
INSERT INTO search_organisations (rowid, title, extra) VALUES (new.docid, new.title, new.extra)
; END;

CREATE TRIGGER search_organisations_docs_ad AFTER DELETE ON search_organisations_docs BEGIN
INSERT INTO search_organisations (search_organisations, rowid, title, extra) VALUES ('delete', old.docid, old.title, old.extra)
; END;

CREATE TRIGGER search_organisations_docs_au AFTER UPDATE OF title, extra ON search_organisations_docs BEGIN
INSERT INTO search_organisations (search_organisations, rowid, title, extra) VALUES ('delete', old.docid, old.title, old.extra)
; INSERT INTO search_organisations (rowid, title, extra) VALUES (new.docid, new.title, new.extra)
; END;

CREATE TRIGGER search_organisations_ai AFTER INSERT ON organisations BEGIN
DELETE FROM search_organisations_docs WHERE ref_id = new.id
; INSERT INTO search_organisations_docs (ref_id, title, extra, sort_name, sort_acronym, sort_city, sort_territory, deleted, archived, merged_into) SELECT k.id, CASE WHEN k.erased THEN '' ELSE coalesce(k.sort_name, '') || ' ' || coalesce(k.sort_acronym, '') END, CASE WHEN k.erased THEN '' ELSE coalesce(k.sort_city, '') || ' ' || k.other || ' ' || ltrim(coalesce(k.phone, ''), '+') || ' ' || CASE WHEN k.phone GLOB '+33*' THEN '0' || substr(k.phone, 4) WHEN substr(k.phone, 1, 4) IN ('+262', '+590', '+594', '+596', '+508') THEN '0' || substr(k.phone, 5) ELSE '' END END, k.sort_name, k.sort_acronym, k.sort_city, k.sort_territory, k.deleted, k.archived, k.merged_into FROM (SELECT new.id AS id, new.erased AS erased, new.deleted AS deleted, new.archived AS archived, new.merged_into AS merged_into, CASE WHEN coalesce(new.name, '') = '' THEN NULL ELSE maillage_fold(new.name) END AS sort_name, CASE WHEN coalesce(new.acronym, '') = '' THEN NULL ELSE maillage_fold(new.acronym) END AS sort_acronym, CASE WHEN coalesce(new.city, '') = '' THEN NULL ELSE maillage_fold(new.city) END AS sort_city, CASE WHEN coalesce(new.territory, '') = '' THEN NULL ELSE maillage_fold(new.territory) END AS sort_territory, maillage_fold(coalesce(new.postcode, '') || ' ' || coalesce(new.siret, '') || ' ' || coalesce(new.email, '')) AS other, new.phone AS phone) AS k
; END;

CREATE TRIGGER search_organisations_au AFTER UPDATE OF name, acronym, city, territory, postcode, siret, email, phone, erased, deleted, archived, merged_into ON organisations BEGIN
DELETE FROM search_organisations_docs WHERE ref_id = new.id
; INSERT INTO search_organisations_docs (ref_id, title, extra, sort_name, sort_acronym, sort_city, sort_territory, deleted, archived, merged_into) SELECT k.id, CASE WHEN k.erased THEN '' ELSE coalesce(k.sort_name, '') || ' ' || coalesce(k.sort_acronym, '') END, CASE WHEN k.erased THEN '' ELSE coalesce(k.sort_city, '') || ' ' || k.other || ' ' || ltrim(coalesce(k.phone, ''), '+') || ' ' || CASE WHEN k.phone GLOB '+33*' THEN '0' || substr(k.phone, 4) WHEN substr(k.phone, 1, 4) IN ('+262', '+590', '+594', '+596', '+508') THEN '0' || substr(k.phone, 5) ELSE '' END END, k.sort_name, k.sort_acronym, k.sort_city, k.sort_territory, k.deleted, k.archived, k.merged_into FROM (SELECT new.id AS id, new.erased AS erased, new.deleted AS deleted, new.archived AS archived, new.merged_into AS merged_into, CASE WHEN coalesce(new.name, '') = '' THEN NULL ELSE maillage_fold(new.name) END AS sort_name, CASE WHEN coalesce(new.acronym, '') = '' THEN NULL ELSE maillage_fold(new.acronym) END AS sort_acronym, CASE WHEN coalesce(new.city, '') = '' THEN NULL ELSE maillage_fold(new.city) END AS sort_city, CASE WHEN coalesce(new.territory, '') = '' THEN NULL ELSE maillage_fold(new.territory) END AS sort_territory, maillage_fold(coalesce(new.postcode, '') || ' ' || coalesce(new.siret, '') || ' ' || coalesce(new.email, '')) AS other, new.phone AS phone) AS k
; END;

CREATE TRIGGER search_organisations_ad AFTER DELETE ON organisations BEGIN
DELETE FROM search_organisations_docs WHERE ref_id = old.id
; END;

CREATE TABLE search_people_docs (
	docid INTEGER PRIMARY KEY,
	ref_id VARCHAR(36) NOT NULL UNIQUE,
	title TEXT NOT NULL DEFAULT '',
	extra TEXT NOT NULL DEFAULT '',
	sort_last_name TEXT,
	sort_first_name TEXT,
	sort_email TEXT,
	deleted BOOLEAN NOT NULL DEFAULT 0,
	archived BOOLEAN NOT NULL DEFAULT 0,
	merged_into VARCHAR(36)
);

CREATE VIRTUAL TABLE search_people USING fts5(title, extra, content='search_people_docs', content_rowid='docid', prefix='2 3', tokenize='unicode61');

CREATE TRIGGER search_people_docs_ai AFTER INSERT ON search_people_docs BEGIN
INSERT INTO search_people (rowid, title, extra) VALUES (new.docid, new.title, new.extra)
; END;

CREATE TRIGGER search_people_docs_ad AFTER DELETE ON search_people_docs BEGIN
INSERT INTO search_people (search_people, rowid, title, extra) VALUES ('delete', old.docid, old.title, old.extra)
; END;

CREATE TRIGGER search_people_docs_au AFTER UPDATE OF title, extra ON search_people_docs BEGIN
INSERT INTO search_people (search_people, rowid, title, extra) VALUES ('delete', old.docid, old.title, old.extra)
; INSERT INTO search_people (rowid, title, extra) VALUES (new.docid, new.title, new.extra)
; END;

CREATE TRIGGER search_people_ai AFTER INSERT ON people BEGIN
DELETE FROM search_people_docs WHERE ref_id = new.id
; INSERT INTO search_people_docs (ref_id, title, extra, sort_last_name, sort_first_name, sort_email, deleted, archived, merged_into) SELECT k.id, CASE WHEN k.erased THEN '' ELSE coalesce(k.sort_last_name, '') || ' ' || coalesce(k.sort_first_name, '') END, CASE WHEN k.erased THEN '' ELSE coalesce(k.sort_email, '') || ' ' || ltrim(coalesce(k.phone, ''), '+') || ' ' || CASE WHEN k.phone GLOB '+33*' THEN '0' || substr(k.phone, 4) WHEN substr(k.phone, 1, 4) IN ('+262', '+590', '+594', '+596', '+508') THEN '0' || substr(k.phone, 5) ELSE '' END || ' ' || ltrim(coalesce(k.mobile, ''), '+') || ' ' || CASE WHEN k.mobile GLOB '+33*' THEN '0' || substr(k.mobile, 4) WHEN substr(k.mobile, 1, 4) IN ('+262', '+590', '+594', '+596', '+508') THEN '0' || substr(k.mobile, 5) ELSE '' END END, k.sort_last_name, k.sort_first_name, k.sort_email, k.deleted, k.archived, k.merged_into FROM (SELECT new.id AS id, new.erased AS erased, new.deleted AS deleted, new.archived AS archived, new.merged_into AS merged_into, CASE WHEN coalesce(new.last_name, '') = '' THEN NULL ELSE maillage_fold(new.last_name) END AS sort_last_name, CASE WHEN coalesce(new.first_name, '') = '' THEN NULL ELSE maillage_fold(new.first_name) END AS sort_first_name, CASE WHEN coalesce(new.email, '') = '' THEN NULL ELSE maillage_fold(new.email) END AS sort_email, new.phone AS phone, new.mobile AS mobile) AS k
; END;

CREATE TRIGGER search_people_au AFTER UPDATE OF last_name, first_name, email, phone, mobile, erased, deleted, archived, merged_into ON people BEGIN
DELETE FROM search_people_docs WHERE ref_id = new.id
; INSERT INTO search_people_docs (ref_id, title, extra, sort_last_name, sort_first_name, sort_email, deleted, archived, merged_into) SELECT k.id, CASE WHEN k.erased THEN '' ELSE coalesce(k.sort_last_name, '') || ' ' || coalesce(k.sort_first_name, '') END, CASE WHEN k.erased THEN '' ELSE coalesce(k.sort_email, '') || ' ' || ltrim(coalesce(k.phone, ''), '+') || ' ' || CASE WHEN k.phone GLOB '+33*' THEN '0' || substr(k.phone, 4) WHEN substr(k.phone, 1, 4) IN ('+262', '+590', '+594', '+596', '+508') THEN '0' || substr(k.phone, 5) ELSE '' END || ' ' || ltrim(coalesce(k.mobile, ''), '+') || ' ' || CASE WHEN k.mobile GLOB '+33*' THEN '0' || substr(k.mobile, 4) WHEN substr(k.mobile, 1, 4) IN ('+262', '+590', '+594', '+596', '+508') THEN '0' || substr(k.mobile, 5) ELSE '' END END, k.sort_last_name, k.sort_first_name, k.sort_email, k.deleted, k.archived, k.merged_into FROM (SELECT new.id AS id, new.erased AS erased, new.deleted AS deleted, new.archived AS archived, new.merged_into AS merged_into, CASE WHEN coalesce(new.last_name, '') = '' THEN NULL ELSE maillage_fold(new.last_name) END AS sort_last_name, CASE WHEN coalesce(new.first_name, '') = '' THEN NULL ELSE maillage_fold(new.first_name) END AS sort_first_name, CASE WHEN coalesce(new.email, '') = '' THEN NULL ELSE maillage_fold(new.email) END AS sort_email, new.phone AS phone, new.mobile AS mobile) AS k
; END;

CREATE TRIGGER search_people_ad AFTER DELETE ON people BEGIN
DELETE FROM search_people_docs WHERE ref_id = old.id
; END;
