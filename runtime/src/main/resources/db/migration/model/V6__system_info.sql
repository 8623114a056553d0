-- Options a sysadmin changed while the portal runs (config_option_update), as CKAN's system_info
-- table: they take precedence over the config file, environment and command line.
CREATE TABLE portal_system_info (
    config_key    VARCHAR(200) PRIMARY KEY,
    config_value  VARCHAR      NOT NULL,
    modified      TIMESTAMP WITH TIME ZONE NOT NULL
);
