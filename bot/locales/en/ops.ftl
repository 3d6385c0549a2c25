# phoihop: the operations commands (phoihop doctor, phoihop backup). Every key here must also be in vi/ops.ftl.

## phoihop backup

cli-help-backup = back the database up: for SQLite a consistent copy (even while the bot runs); for PostgreSQL, the pg_dump command to run
cli-help-backup-file = the backup file
cli-help-force = overwrite the file if it exists
backup-done = Backed up to { $path } ({ $size } bytes); integrity check: { $integrity }.
backup-postgres =
    The database is PostgreSQL: phoihop writes no backup itself. Run this (the password comes from PGPASSWORD or ~/.pgpass, or pg_dump asks for it):
        { $command }
    Restore with pg_restore.
backup-exists = The file { $path } exists. Choose another name, or add --force to overwrite it.
backup-same-file = { $path } is the database file itself; choose another file.
backup-missing = There is no database file { $path }.
backup-no-file = The database { $url } is not in a file, so it cannot be backed up.
backup-unsupported = Backing up a { $backend } database is not supported.
backup-failed = The backup failed: { $detail }
backup-corrupt = The backup failed its integrity check and was discarded: { $detail }

## phoihop doctor

cli-help-doctor = check the bot token, the database, the webhook and the committees' groups
doctor-verdict-ok = [ok]
doctor-verdict-warning = [warning]
doctor-verdict-problem = [PROBLEM]
doctor-summary-ok = Everything is in order.
doctor-summary-warnings = No problem; { $warnings } warning(s).
doctor-summary-problems = { $problems } problem(s), { $warnings } warning(s).
doctor-token-missing =
    There is no Telegram bot token (TELEGRAM_BOT_TOKEN).
    Create a bot with @BotFather on Telegram (/newbot), then put the token it gives in the environment variable TELEGRAM_BOT_TOKEN (or the .env file).
doctor-token-rejected =
    The Bot API server ({ $api }) rejects the bot token: it is wrong or was revoked.
    Get the token again from @BotFather (/token), then correct TELEGRAM_BOT_TOKEN.
doctor-api-unreachable =
    Cannot reach the Bot API { $api }: { $detail }
    Check the network and TELEGRAM_API_BASE_URL.
doctor-token-ok = The bot token is valid: @{ $username } (Bot API { $api }).
doctor-db-ok = The database { $url } opens and its schema is at the newest version ({ $revision }).
doctor-db-unreachable =
    Cannot open the database { $url }: { $detail }
    Check DATABASE_URL (or --database-url) and the database server.
doctor-db-empty =
    The database { $url } is empty (no schema yet).
    Run: phoihop db upgrade (or import a plan: phoihop import PLAN.yaml)
doctor-db-outdated =
    The schema of the database { $url } is not at the newest version ({ $current }, the newest is { $head }).
    Run: phoihop db upgrade
doctor-webhook-none = No webhook is set: the bot receives messages by long polling.
doctor-webhook-set = A webhook is set: { $url } ({ $pending } update(s) waiting).
doctor-webhook-error =
    The webhook { $url } reports an error ({ $pending } update(s) waiting): { $error }
    Check that the webhook address is reachable from the Internet and its HTTPS certificate is valid.
doctor-groups-none = No program has a committee group yet (a leader sends /group in the group to bind it).
doctor-group-admin = The group of { $program } ({ $chat }): the bot is an administrator and reads messages.
doctor-group-reads-all = The group of { $program } ({ $chat }): the bot is a member and reads every message (privacy mode off).
doctor-group-privacy =
    The group of { $program } ({ $chat }): the bot is in privacy mode and not an administrator, so it only sees commands addressed to it.
    To fix: send @BotFather /setprivacy, choose @{ $username }, choose Disable, then remove the bot from the group and add it again; or make the bot an administrator of the group.
doctor-group-gone =
    The group of { $program } ({ $chat }): the bot is no longer in the group ({ $detail }); announcements to it cannot be sent.
    To fix: add the bot to the group again, or have a leader send /group in the new group.
doctor-group-migrated =
    The group of { $program } ({ $chat }) was upgraded to the supergroup { $new_chat }, and the database does not know yet.
    To fix: have a leader send /group in the new group.
