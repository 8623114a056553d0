-- A user's image (CKAN's user.image_url): a link with a scheme, or the location of the tracked file
-- (owner_type 'user') an image_upload stored in the user role's storage.
ALTER TABLE portal_user ADD COLUMN image_url VARCHAR(2000);
