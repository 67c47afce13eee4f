/**
 * Schema migrations, applied in order. `PRAGMA user_version` records how many have run, so a
 * database written by an older build is brought up to date on open, and one written by a newer
 * build is refused rather than misread. Append new steps; never edit one that has shipped.
 *
 * Times are INTEGER milliseconds since the epoch (compared as numbers, printed as ISO 8601).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the tenant, its users, profiles and tokens, devices and what they report, groups,
  //    packages and incidents.
  `
  CREATE TABLE tenant (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    tenant_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    mdm_authority TEXT NOT NULL,
    created INTEGER NOT NULL
  );

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    user_principal_name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    mail_nickname TEXT NOT NULL,
    account_enabled INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    created INTEGER NOT NULL
  );

  CREATE TABLE user_licenses (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    sku_id TEXT NOT NULL,
    PRIMARY KEY (user_id, sku_id)
  );

  CREATE TABLE profiles (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    description TEXT NOT NULL,
    enrollment_mode TEXT NOT NULL,
    configure_wifi INTEGER NOT NULL,
    wifi_ssid TEXT NOT NULL,
    wifi_hidden INTEGER NOT NULL,
    wifi_security_type TEXT NOT NULL,
    wifi_password TEXT NOT NULL,
    is_teams_device_profile INTEGER NOT NULL,
    role_scope_tag_ids TEXT NOT NULL,
    device_name_template TEXT NOT NULL,
    download_cookie TEXT NOT NULL,
    download_cookie_hash TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
  );

  -- Every token ever issued. The profile's current token is its newest row with state 'active'
  -- or 'revoked'; older rows are 'replaced'. Rows outlive their profile ('profileDeleted') so an
  -- enrollment attempt can say why it is refused.
  CREATE TABLE tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_value TEXT,
    state TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    usage_count INTEGER NOT NULL DEFAULT 0,
    agent_version_code INTEGER NOT NULL
  );
  CREATE INDEX tokens_by_profile ON tokens(profile_id, id);

  -- Devices stay as rows after they leave (state 'removed') so their credential can be answered
  -- with deviceNotFound instead of looking unknown.
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    azure_ad_device_id TEXT NOT NULL,
    credential_hash TEXT NOT NULL UNIQUE,
    profile_id TEXT NOT NULL,
    enrollment_profile_name TEXT NOT NULL,
    enrollment_mode TEXT NOT NULL,
    device_name_template TEXT NOT NULL,
    device_name TEXT NOT NULL,
    serial_number TEXT NOT NULL,
    model TEXT NOT NULL,
    manufacturer TEXT NOT NULL,
    os_version TEXT NOT NULL,
    agent_version TEXT NOT NULL,
    user_id TEXT,
    management_state TEXT NOT NULL,
    enrolled INTEGER NOT NULL,
    last_sync INTEGER NOT NULL,
    removed INTEGER
  );
  CREATE INDEX devices_by_profile ON devices(profile_id, management_state);
  CREATE INDEX devices_by_state ON devices(management_state, enrolled);

  CREATE TABLE device_apps (
    device_id TEXT NOT NULL,
    package_name TEXT NOT NULL,
    version_name TEXT NOT NULL,
    version_code INTEGER NOT NULL,
    PRIMARY KEY (device_id, package_name)
  );

  CREATE TABLE actions (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT,
    requested INTEGER NOT NULL,
    updated INTEGER NOT NULL
  );
  CREATE INDEX actions_by_device ON actions(device_id, status, requested);

  CREATE TABLE groups (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    description TEXT,
    mail_nickname TEXT NOT NULL,
    mail_enabled INTEGER NOT NULL,
    security_enabled INTEGER NOT NULL,
    group_types TEXT NOT NULL,
    membership_rule TEXT,
    processing_state TEXT,
    created INTEGER NOT NULL
  );

  CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL,
    member_type TEXT NOT NULL,
    added INTEGER NOT NULL,
    PRIMARY KEY (group_id, member_id)
  );
  CREATE INDEX group_members_by_member ON group_members(member_id);

  CREATE TABLE packages (
    package_name TEXT NOT NULL,
    version_code INTEGER NOT NULL,
    version_name TEXT NOT NULL,
    label TEXT NOT NULL,
    signed_by TEXT NOT NULL,
    archive BLOB NOT NULL,
    package_checksum TEXT NOT NULL,
    signature_checksum TEXT NOT NULL,
    published INTEGER NOT NULL,
    PRIMARY KEY (package_name, version_code)
  );

  CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    created INTEGER NOT NULL,
    logs TEXT NOT NULL
  );
  `,
  // 2: each token keeps the PNG of its QR code and the hash of the text it encodes, so listing
  //    profiles never renders again (a render takes tens of milliseconds of CPU) until the
  //    payload changes (a Wi-Fi setting, or the service's address).
  `
  ALTER TABLE tokens ADD COLUMN qr_text_hash TEXT;
  ALTER TABLE tokens ADD COLUMN qr_png BLOB;
  `,
  // 3: the tenant's cloud (21Vianet refuses AOSP); device configuration and compliance policies,
  //    their assignments and what devices report for them; terms and conditions, their
  //    assignments and who accepted which version. Assignments of every kind share one table
  //    (owner_kind says whose): a target is a group, all devices or all licensed users.
  `
  ALTER TABLE tenant ADD COLUMN cloud TEXT NOT NULL DEFAULT 'global';

  CREATE TABLE policies (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT,
    settings TEXT NOT NULL,
    scheduled_actions TEXT,
    role_scope_tag_ids TEXT NOT NULL,
    version INTEGER NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
  );

  CREATE TABLE assignments (
    id TEXT PRIMARY KEY,
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    target_type TEXT NOT NULL,
    group_id TEXT,
    created INTEGER NOT NULL
  );
  CREATE INDEX assignments_by_owner ON assignments(owner_id, created);

  CREATE TABLE policy_states (
    device_id TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    setting_states TEXT NOT NULL,
    reported INTEGER NOT NULL,
    PRIMARY KEY (device_id, policy_id)
  );

  CREATE TABLE terms (
    id TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    description TEXT,
    title TEXT NOT NULL,
    body_text TEXT NOT NULL,
    acceptance_statement TEXT NOT NULL,
    version INTEGER NOT NULL,
    role_scope_tag_ids TEXT NOT NULL,
    created INTEGER NOT NULL,
    modified INTEGER NOT NULL
  );

  CREATE TABLE terms_acceptances (
    terms_id TEXT NOT NULL REFERENCES terms(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    accepted_version INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    PRIMARY KEY (terms_id, user_id)
  );
  `,
  // 4: the service plans a user's licence disables (assignLicense's disabledPlans), a JSON
  //    array of servicePlanIds.
  `
  ALTER TABLE user_licenses ADD COLUMN disabled_plans TEXT NOT NULL DEFAULT '[]';
  `,
  // 5: every download cookie ever issued. Rows outlive their profile: the agent is downloaded
  //    from the location the QR payload names, a download server that knows nothing of profiles,
  //    so a deleted profile's payload still downloads and only its enrollment is refused.
  `
  CREATE TABLE download_cookies (
    cookie_hash TEXT PRIMARY KEY,
    profile_id TEXT NOT NULL,
    created INTEGER NOT NULL
  );
  INSERT INTO download_cookies (cookie_hash, profile_id, created)
    SELECT download_cookie_hash, id, created FROM profiles;
  `,
  // 6: compliance verdicts. A device's verdict from its last compliance report (unknown until it
  //    reports one) and when its grace period ends; for each compliance policy's state, since when
  //    the device has been noncompliant with it (the grace period runs from then).
  `
  ALTER TABLE devices ADD COLUMN compliance_state TEXT NOT NULL DEFAULT 'unknown';
  ALTER TABLE devices ADD COLUMN compliance_grace_ends INTEGER;
  ALTER TABLE policy_states ADD COLUMN noncompliant_since INTEGER;
  `,
  // 7: the tenant's compliance policy settings (Graph's deviceManagementSettings): whether a device
  //    with no compliance policy assigned is noncompliant (secureByDefault, off by default: such a
  //    device is compliant), and the days a device may go without checking in and stay compliant.
  `
  ALTER TABLE tenant ADD COLUMN secure_by_default INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tenant ADD COLUMN compliance_checkin_threshold_days INTEGER NOT NULL DEFAULT 30;
  `,
  // 8: indexes for reading lists a page at a time. Each list is read in its own order (creation,
  //    then insertion; an index entry ends with the rowid), so a page starts where the last one
  //    ended instead of sorting the table. The look-ups admin scripts make on managed devices
  //    (serialNumber eq, deviceName eq) use a case-blind index; SQLite folds ASCII letters only,
  //    so values holding other characters are kept in a partial index of their own and compared
  //    by the service as Graph compares them.
  `
  CREATE INDEX devices_in_order ON devices(enrolled);
  CREATE INDEX devices_by_serial ON devices(serial_number COLLATE NOCASE);
  CREATE INDEX devices_by_serial_unfolded ON devices(serial_number) WHERE serial_number GLOB '*[^ -~]*';
  CREATE INDEX devices_by_name ON devices(device_name COLLATE NOCASE);
  CREATE INDEX devices_by_name_unfolded ON devices(device_name) WHERE device_name GLOB '*[^ -~]*';
  CREATE INDEX devices_by_user ON devices(user_id);
  CREATE INDEX users_by_upn_unfolded ON users(user_principal_name) WHERE user_principal_name GLOB '*[^ -~]*';
  CREATE INDEX devices_by_azure_id ON devices(azure_ad_device_id);
  CREATE INDEX group_members_in_order ON group_members(group_id, added);
  CREATE INDEX users_in_order ON users(created);
  CREATE INDEX groups_in_order ON groups(created);
  `,
  // 9: managed devices sorted by their last sync ($orderby=lastSyncDateTime) are read a page at a
  //    time from this index (ties by id), as those sorted by enrollment time, serial number or name
  //    are from the indexes of 8.
  `
  CREATE INDEX devices_by_sync ON devices(last_sync, id);
  `,
  // 10: each device's directory object has its own object id, as in Entra ID (a group member's
  //     id, a $ref's, directoryObjects/{id}); the managed device's id and azureADDeviceId (the
  //     directory object's deviceId) are other ids. Devices enrolled before get a random UUID v4.
  `
  ALTER TABLE devices ADD COLUMN directory_id TEXT;
  UPDATE devices SET directory_id = lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))
  );
  CREATE UNIQUE INDEX devices_by_directory_id ON devices(directory_id);
  `,
  // 11: the console's picker finds users by the start of their display name as by the start of
  //     their user principal name: a range of a case-blind index (LIKE with a prefix), with the
  //     names NOCASE does not fold kept in a partial index and compared by the service.
  `
  CREATE INDEX users_by_display_name ON users(display_name COLLATE NOCASE);
  CREATE INDEX users_by_display_name_unfolded ON users(display_name) WHERE display_name GLOB '*[^ -~]*';
  `,
  // 12: a user who must change the password at the next sign-in: the passwordProfile flag that
  //     asks it (forceChangePasswordNextSignIn or forceChangePasswordNextSignInWithMfa), NULL when
  //     neither is set. A device's sign-in as such a user is refused, naming the flag.
  `
  ALTER TABLE users ADD COLUMN password_change_required TEXT;
  `,
  // 13: a user's profile properties (jobTitle, department, businessPhones, ...), as a JSON object
  //     of those set; and a group's owners (users), as Graph's owners@odata.bind and owners/$ref
  //     set them. An owner leaves with its group (ON DELETE CASCADE) or its user.
  `
  ALTER TABLE users ADD COLUMN profile TEXT NOT NULL DEFAULT '{}';
  CREATE TABLE group_owners (
    group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    owner_id TEXT NOT NULL,
    added INTEGER NOT NULL,
    PRIMARY KEY (group_id, owner_id)
  );
  CREATE INDEX group_owners_by_owner ON group_owners(owner_id);
  `,
  // 14: the passcode a resetPasscode action carries: made when the admin asks, shown to the admin
  //     in the device's deviceActionResults (Graph's resetPasscodeActionResult) and handed to the
  //     device at its check-in; NULL for every other action.
  `
  ALTER TABLE actions ADD COLUMN passcode TEXT;
  `,
];
