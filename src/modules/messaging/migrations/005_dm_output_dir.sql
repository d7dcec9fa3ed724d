-- Paper DM batches are no longer written to a directory a tenant chose (`dm.outputDir` could name
-- any path the server can write): they go under the data directory and are downloaded through
-- GET /v1/messaging/dm-batches. The setting is dropped from every workspace's settings.
UPDATE messaging_settings SET settings = jsonb_set(settings, '{dm}', (settings -> 'dm') - 'outputDir')
WHERE settings -> 'dm' ? 'outputDir';
