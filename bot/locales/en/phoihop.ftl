# phoihop: English texts. Every key here must also be in vi/phoihop.ftl.

## Task kinds and statuses

kind-common = Common tasks
kind-registered = Registered tasks
kind-focus = Focus tasks
status-done_on_time = done on time
status-done_late = done late
status-in_progress = in progress
status-overdue = overdue

## Numbers with qualifiers

qualifier-approx = approx. { $value }
qualifier-over = over { $value }
qualifier-more_than = more than { $value }
value-with-unit = { $value } { $unit }
value-with-target = { $value } (target { $target })

## Status

status-title = 📊 STATUS OF { $program }
status-as-of = As of { $date }
status-org-view = The part of { $org } ({ $name })
status-headline = Done: { $parts }.
status-headline-empty = The program has no tasks yet.
headline-part-common = { $done }/{ $total } common tasks
headline-part-registered = { $done }/{ $total } registered tasks
headline-part-focus = { $done }/{ $total } focus tasks
status-kind-title = { $kind }: { $done }/{ $total } done
status-count-on-time = • done on time: { $count }
status-count-late = • done late: { $count }{ $codes }
status-count-in-progress = • in progress: { $count }
status-count-overdue = • overdue: { $count }{ $codes }
status-due-rate = • done among tasks already due: { $done }/{ $due } ({ $percent }%)
status-due-rate-none = • no task is due yet
status-orgs-title = By lead organization (registered tasks done/total):
status-org-line = • { $org }: { $done }/{ $total }{ $extra }
status-org-overdue = overdue: { $codes }
status-and-more = and { $count } more
status-org-contributions = figures for { $count } common tasks
status-overdue-title = Overdue ({ $count }):
status-overdue-line = • { $task } ({ $lead }), due { $due }, { $days } days late{ $extended }: { $title }
status-extended = , extended to { $date }
status-overdue-none = No task is overdue.
status-upcoming-title = Due in the next { $days } days ({ $count }):
status-upcoming-line = • { $task } ({ $lead }), due { $due }, { $left } days left: { $title }
status-upcoming-none = No task falls due in the next { $days } days.
status-totals-title = Results by task:
status-totals-line = • { $task } { $title }: { $values }
status-totals-toward = (counts toward { $task }, not added again)
status-totals-part = { "   " }– { $org }: { $values }
status-totals-none = No figures reported yet.
status-program-totals-title = Program totals (tasks counting toward another not added again):
status-program-totals-line = • { $value }
status-more = … and { $count } more (see them all with --json).
list-separator = { ", " }

## Command line

cli-description = phoihop: track the tasks of a coordination program.
cli-db-upgraded = The database is at the newest version ({ $revision }).
cli-db-outdated = The database is not at the newest version. Run first: phoihop db upgrade
cli-db-unreachable = Cannot open the database { $url }: { $detail }
cli-import-created = Created program { $program }: { $orgs } organizations, { $indicators } indicators, { $periods } reporting periods, { $tasks } tasks.
cli-import-updated = Updated program { $program }: tasks added { $added }, changed { $changed }, removed { $removed }; organizations added { $orgs_added }, changed { $orgs_changed }, removed { $orgs_removed }. Every recorded report is kept.
cli-import-unchanged = The plan of { $program } has no changes.
cli-exported = Exported the plan of { $program } to { $path }.
cli-export-format = Cannot export to { $path }: the file must be .xlsx (the plan, or --kind status for the status workbook), .docx (the review draft) or .png (the chart).
cli-replayed = { $program }: recorded { $recorded } new reports, { $duplicates } already on record; { $people } people.
cli-document-error = Cannot use { $path }: { $count } problems. Nothing was changed.
cli-issue-line = • { $where }: { $message }
cli-error = Error: { $message }
cli-demo-intro = phoihop demo: a fresh SQLite database ({ $path }), the sample plan and report log, status as of { $date }.
cli-bad-option = Invalid value for { $option }: { $message }

## Where a problem is in a file

where-section-yaml = section “{ $section }”
where-section-sheet = sheet “{ $section }”
where-row-yaml = item { $row }
where-row-sheet = row { $row }
where-row-file = line { $row }
where-key = ({ $key })
where-field-yaml = field “{ $field }”
where-field-sheet = column “{ $field }”
where-file = file

## Problems in documents

error-missing = a required value is missing.
error-unknown_field = this field is not part of the plan format; check its spelling.
error-bad_date = “{ $value }” is not a valid date; write dates as dd/mm/yyyy (in YAML: yyyy-mm-dd).
error-bad_number = “{ $value }” is not a number; write numbers like 45.000 or 2,8.
error-bad_bool = “{ $value }” must be true or false.
error-bad_choice = “{ $value }” is not one of the allowed values ({ $choices }).
error-bad_text = must be text.
error-bad_list = must be a list.
error-bad_mapping = must be a mapping of key: value.
error-bad_partners = “{ $value }” cannot be used: partners are a list of organization codes, or all (in Excel: “tất cả”).
error-invalid = invalid value: { $detail }
error-bad_code = “{ $value }” is not a valid code; codes use letters without diacritics, digits and - _ . /
error-file_not_found = file { $path } not found.
error-file_unreadable = cannot read file { $path }: { $detail }
error-yaml_syntax = YAML syntax error: { $detail }
error-unknown_format = unknown file type { $path }; use a .yaml or .xlsx file.
error-duplicate_code = code “{ $value }” appears twice (first at { $first_row }).
error-end_before_start = end date { $end } is before start date { $start }.
error-bad_timezone = time zone “{ $value }” does not exist; for example: Asia/Ho_Chi_Minh.
error-unknown_org = no organization with code “{ $value }” among the member organizations.
error-partner_is_lead = “{ $value }” already leads this task; do not list it among the partners.
error-unknown_indicator = no indicator with code “{ $value }”.
error-negative_number = numbers cannot be negative: { $value }.
error-unknown_period = no reporting period with code “{ $value }”.
error-unknown_task = no task with code “{ $value }”.
error-counts_toward_chain = “{ $value }” cannot be used in counts_toward: a task counts toward one other task, which itself counts toward none.
error-missing_sheet = the workbook has no sheet “{ $sheet }”.
error-missing_column = sheet “{ $sheet }” has no column “{ $column }”.

## Problems recording or reading data

op-unknown_program = No program with code “{ $program }”. Import its plan first: phoihop import PLAN.yaml
op-unknown_task = No task with code “{ $task }” in the program.
op-unknown_org = No organization with code “{ $org }” in the program.
op-not_member = You are not bound to any organization of program { $program }.
op-not_your_org = You can report only for your own organization, not for { $org }.
op-not_involved = { $org } neither leads nor partners on task { $task }.
op-unknown_indicator = Task { $task }: no indicator with code “{ $indicator }”.
op-negative_value = The value of indicator { $indicator } cannot be negative.
op-not_lead = Only the lead organization (or the secretariat) can mark task { $task } done; { $org } can report its own part.
op-completion_in_future = The completion date { $date } has not come yet.
op-extension_not_later = The new deadline must be after the current deadline of { $task } ({ $due }).
op-unknown_extension = No extension request number { $extension }.
op-extension_decided = This extension request was already decided ({ $status }).
op-program_required = There are several programs; say which one (--program CODE).
op-unreadable_number = Cannot read “{ $text }” as a number; write it like 45.000, 2,8, gần 45.000 or 7 tỷ.
op-unreadable_date = Cannot read “{ $text }” as a date; write it like 14/6 or 14/06/2019.
op-no_such_date = There is no date “{ $text }”; check the day and month.
op-unreadable_period = Cannot read “{ $text }” as a period; write it like 6 tháng đầu năm, quý III or năm 2019.
op-negative_number = “{ $text }”: numbers cannot be negative.
cli-db-empty = The database is empty. Import a plan first: phoihop import PLAN.yaml
cli-help-database-url = SQLAlchemy database URL (default: the DATABASE_URL variable, or the SQLite file phoihop.db in the current directory)
cli-help-lang = language: vi (Vietnamese) or en (English)
cli-help-db = create or upgrade the database schema (upgrade), show its version (current)
cli-help-import = import a plan from a .yaml or .xlsx file (create or update, keeping every report)
cli-help-dry-run = only say what would change; write nothing
cli-help-export = export the program's plan to an Excel .xlsx file
cli-help-replay = record a report log (.yaml) through the same operations the chat uses
cli-help-program = program code (when the database holds several programs)
cli-help-status = the program's status as of a date
cli-help-as-of = as of this date (dd/mm/yyyy or 14/6; default: today)
cli-help-org = only the part of one organization (its code)
cli-help-json = print the figures as JSON
cli-help-demo = demo: a fresh database, the sample plan and reports, status as of 14/06/2019
cli-help-keep = keep the demo database in this file

## Bot and invitations

cli-help-invite = make a single-use invitation (expiring after 7 days) for an organization and role
cli-help-role = role: officer (focal officer), chair, vice_chair, secretary
cli-help-bot-username = the bot's Telegram username, to print the invitation link (default: TELEGRAM_BOT_USERNAME)
cli-help-run = run the Telegram bot (long polling, or --webhook)
cli-invite-made = Invitation for { $role } of { $org } ({ $org_name }), single use, expires on { $expires }. Code: { $code }
cli-invite-link = Invitation link: { $link }
cli-invite-no-username = The invited person sends the bot: /start { $code }   (set TELEGRAM_BOT_USERNAME or --bot-username to print the link)
cli-run-no-token =
    No Telegram bot token. Create a bot with @BotFather on Telegram (/newbot), then put the token it gives you in the TELEGRAM_BOT_TOKEN environment variable (or .env), e.g.:
        TELEGRAM_BOT_TOKEN=123456:ABC... phoihop run
    To try phoihop without Telegram: phoihop demo
cli-run-starting = phoihop is running (database { $url }, Bot API { $api }). Press Ctrl+C to stop.

## Exporting documents

cli-help-export-kind = document: plan (the plan, .xlsx), status (status workbook, .xlsx), review (review report draft, .docx), chart (status chart, .png); by default from the file's extension
cli-help-period = the reporting period of the review draft (its code, e.g. 6T-2019)
cli-exported-status = Wrote the status workbook of { $program } as of { $date } to { $path }.
cli-exported-review = Wrote the review report draft of { $program } as of { $date } to { $path }.
cli-exported-chart = Wrote the status chart of { $program } as of { $date } to { $path }.
