-- pharos schema, migration 0024: languages (SPEC §16). A page's default_language and the
-- languages it offers (a JSON array of tags, the default among them); an update's
-- translations ({"de":{"title":…,"message":…}}, JSON text); a subscriber's language, set
-- at sign-up and used for every message.
ALTER TABLE pages ADD COLUMN default_language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE pages ADD COLUMN languages TEXT NOT NULL DEFAULT '["en"]';
ALTER TABLE event_updates ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE subscribers ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
