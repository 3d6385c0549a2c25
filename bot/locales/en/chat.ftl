# phoihop: chat texts (English). Every key must also be in vi/chat.ftl.
# Messages use Telegram's HTML: <b>, <i>, <code>; user data is escaped before it goes in.

## Roles and commands

role-officer = focal officer
role-chair = Chair
role-vice_chair = Vice-chair
role-secretary = Secretariat
command-viec = My organization's tasks
command-baocao = Report progress and figures
command-xong = Report a task done
command-sua = Correct my last report
command-giahan = Ask for an extension
command-khokhan = Raise a difficulty or proposal
command-ngonngu = Change language
command-trogiup = Help

## Joining

chat-join-how =
    Hello! This bot helps the member organizations of a steering committee report progress on their coordination program.
    You are not bound to an organization yet. Ask the secretariat for an invitation link (or code), then open the link or send <code>/start CODE</code> to the bot.
chat-not-member-short = You are not bound to an organization yet. Ask the secretariat for an invitation link.
chat-joined = ✅ You have joined.
chat-welcome-back = Welcome back!
chat-you-are = You are <b>{ $role }</b> of <b>{ $org }</b> ({ $org_name }), program <b>{ $program }</b>.
chat-help-officer =
    You can:
    • /tasks: see the tasks your organization leads or partners on
    • /report: report with buttons, or type one line, e.g. <code>R09: 14/20 mô hình</code> or <code>CT01 22 HN, 6,150 LN</code>
    • /done CODE [date]: report a task your organization leads done, e.g. <code>/done R19 12/6</code>
    • /fix CODE: correct your last report on a task
    • send a photo or file whose caption starts with the task code as evidence
    • /extend CODE DATE reason: ask for an extension, e.g. <code>/extend R09 30/6 waiting for funds</code>
    • /issue: raise a difficulty or proposal
    • /reminders: pause or mute the reminders that are not urgent
    • /lang: switch to Vietnamese (tiếng Việt)
chat-help-leading = As a committee leader or secretariat member you receive and decide extension requests, and may report for a task's lead (add the organization code after the task code, e.g. <code>CT01 HND 22 HN</code>). Send /group in the committee's group chat to have completions and the weekly digest announced there.
chat-help-inviter = Invite people: <code>/invite ORG_CODE [officer|chair|vice_chair|secretary]</code>.
chat-help-group = In the group the bot gives common figures only. To report or see your organization's tasks, message the bot privately.
chat-private-only = To keep each organization's information private, this is done in a private chat with the bot.
chat-open-private = Message the bot privately
chat-unknown-command = The bot does not know this command. Send /help to see the commands.
chat-invite-not-allowed = Only the chair or the secretariat can create invitations.
chat-invite-usage = Usage: <code>/invite ORG_CODE [role]</code>, the role being one of: { $roles } (officer by default). Example: <code>/invite HND</code>.
chat-invite-made =
    Invitation for <b>{ $role }</b> of <b>{ $org }</b> ({ $org_name }), single use, expires on { $expires }:
    { $link }
    Invitation code: <code>{ $code }</code>
chat-language-choose = Chọn ngôn ngữ / Choose your language:
chat-language-set = Switched to English.

## Task list

chat-tasks-title = 📋 <b>Tasks of { $org }</b> ({ $count })
chat-tasks-none = Your organization leads or partners on no task.
chat-tasks-counts = Overdue: { $overdue } · in progress: { $in_progress } · done: { $done }
chat-task-line = • <b>{ $task }</b> { $title } ({ $role }), { $when }
chat-task-figures = ; { $figures }
chat-figure-not-reported = no { $unit } reported yet (target { $target })
chat-task-lead = lead
chat-task-partner = partner
chat-task-due = due { $due }
chat-task-overdue = due { $due }, { $days } days late
chat-task-done = done on { $date }
chat-page = Page { $page }/{ $pages }
chat-page-previous = ◀ Previous
chat-page-next = Next ▶

## Reporting

chat-report-choose-task = Choose the task to report on (or type one line, e.g. <code>R09 14 MH</code>):
chat-report-nothing-open = Your organization has no open task.
chat-report-what =
    <b>{ $task }</b> { $title }
    { $line }
    What do you report?
chat-report-type-number = Type the number of <b>{ $unit }</b> ({ $indicator }) for task { $task }, e.g. <code>14</code>, <code>about 45,000</code> or <code>7 billion</code>:
chat-report-type-line = Type the report on { $task } again, e.g. <code>22 HN, 6,150 LN</code>:
chat-report-type-note = Type the note for task { $task }:
chat-readback-title = Please confirm the report:
chat-readback-correction = Please confirm the correction:
chat-readback-task = Task: <b>{ $task }</b> { $title }
chat-readback-org = Organization: <b>{ $org }</b>
chat-readback-value = • { $indicator }: { $value }
chat-readback-done = • Done on { $date }
chat-readback-note = • Note: { $note }
chat-readback-date = Report date: { $date }
chat-button-confirm = ✅ Confirm
chat-button-edit = ✏️ Edit
chat-button-cancel = ✖ Cancel
chat-button-done = ✅ Done
chat-button-note = 📝 Note
chat-button-other-indicator = ✍️ Type a report
chat-button-correct = ✏️ Correct this report
chat-draft-cancelled = Cancelled; nothing was recorded.
chat-draft-already = This report has already been recorded.
chat-recorded-short = Recorded.
chat-recorded = ✅ <b>Recorded</b>
chat-recorded-status = Task { $task }: <b>{ $status }</b> (deadline { $deadline }).
chat-recorded-count = { $org } has done { $done }/{ $total } of the registered tasks it leads.
chat-done-usage = Usage: <code>/done TASK_CODE [completion date]</code>, e.g. <code>/done R19</code> or <code>/done R19 12/6</code>.
chat-too-long = The message is too long (over { $limit } characters). Please send short reports, one line per task.
chat-correct-usage = Usage: <code>/fix TASK_CODE</code>, or type the right figures at once, e.g. <code>/fix R09 15 MH</code>.
chat-correct-nothing = You have not reported on task { $task } yet, so there is nothing to correct.
chat-correct-no-figures = no figures
chat-correct-prompt = Your last report on { $task } ({ $date }): { $figures }. Type the right figures, e.g. <code>15 MH</code>:
chat-evidence-how = To send evidence, send a photo or file whose caption starts with the task code, e.g. <code>R09 minutes of the launch meeting</code>.
chat-evidence-kept = 📎 Evidence kept with { $org }'s report on task { $task }.

## Extensions, difficulties

chat-extend-usage = Usage: <code>/extend TASK_CODE NEW_DEADLINE reason</code>, e.g. <code>/extend R09 30/6 waiting for funds</code>.
chat-extend-reason-missing = Please give the reason for the extension, e.g. <code>/extend R09 30/6 waiting for funds</code>.
chat-extend-not-lead = Only the lead organization can ask to extend task { $task }; { $org } is a partner.
chat-extend-readback =
    Please confirm the extension request:
    Task: <b>{ $task }</b> { $title }
    Current deadline: { $due } → new deadline: <b>{ $new_due }</b>
    Reason: { $reason }
chat-extend-sent = 📨 The request to extend { $task } to { $new_due } went to the chair and the secretariat. You will be told the outcome.
chat-extend-ask =
    📨 <b>Extension request</b> from { $name } ({ $org }):
    Task: <b>{ $task }</b> { $title }
    Original deadline: { $original }; current: { $due } → requested: <b>{ $new_due }</b>
    Reason: { $reason }
chat-button-approve = ✅ Approve
chat-button-reject = ✖ Reject
chat-extend-not-allowed = Only the program's chair, vice-chairs or secretariat can decide extensions.
chat-extend-approved-by-you = ✅ You approved extending { $task } to { $new_due }.
chat-extend-rejected-by-you = ✖ You rejected extending { $task } to { $new_due }.
chat-extend-approved = ✅ Your request to extend { $task } to { $new_due } was approved. The original deadline { $original } stays on record for judging on-time completion.
chat-extend-rejected = ✖ Your request to extend { $task } to { $new_due } was rejected; the deadline stays { $original }.
chat-difficulty-prompt = Type your organization's difficulty or proposal:
chat-difficulty-kept = 📝 { $org }'s difficulty or proposal is kept for the period's review.
chat-error-internal = Sorry, the bot ran into a problem with this message; nothing was recorded. Please try again in a few minutes.

## Refusals in the chat

op-invite_unknown = This invitation code is not valid. Check the link or ask the secretariat for a new one.
op-invite_used = This invitation has already been used. Each code works once; ask the secretariat for a new one.
op-invite_expired = This invitation has expired (codes are valid for 7 days). Ask the secretariat for a new one.
op-unknown_role = There is no role «{ $role }»; choose one of: { $roles }.
op-unknown_language = There is no language «{ $language }»; choose vi or en.
op-stale_button = This button no longer works. Please start again (e.g. send /report).
op-not_your_draft = This button belongs to someone else.
op-draft_cancelled = This report was cancelled; please send it again.
op-draft_already_recorded = This report is already recorded; use /fix to correct it.
op-not_your_report = You can only correct your own report on task { $task }.
op-difficulty_empty = Please type the difficulty or proposal after the command, e.g. <code>/issue no funds for the meetings</code>.

## Status in the chat

command-tinhhinh = Program status
command-quahan = Overdue tasks
chat-status-attention = Overdue: { $overdue } tasks · due in the next 30 days: { $upcoming } tasks. Press a button for details.
chat-status-button-overdue = ⏰ Overdue
chat-status-button-upcoming = 📅 Upcoming
chat-status-button-indicators = 📈 Indicators
chat-status-button-orgs = 🏢 By organization
chat-status-usage = Usage: /status, or with a period (/status 6T-2019), an organization (/status HND) or a date (/status 31/3).
chat-status-own-org-only = You can see your own organization's status ({ $org }) and the program's common figures.
chat-status-not-allowed = These details are for the committee's leaders and secretariat, in a private chat.
chat-status-overdue-count = The program has { $count } overdue tasks. See the details in a private chat with the bot.
command-xuat = Export the status workbook, review draft, chart
chat-export-not-allowed = The program's documents are for the committee's leaders and secretariat, in a private chat. See your organization's part with /status.
chat-export-usage = Usage: /export, or one kind only (/export xlsx, /export docx, /export png), with a date (/export 31/3) or a period (/export docx 6T-2019).
chat-export-status = Status workbook, as of { $date }
chat-export-review = Review report draft, as of { $date }
chat-export-chart = Status chart by organization, as of { $date }
