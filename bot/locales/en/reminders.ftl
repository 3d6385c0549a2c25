# phoihop: reminders (English). Every key must also be in vi/reminders.ftl.
# Messages use Telegram's HTML: <b>, <i>, <code>; user data is escaped before it goes in.

## Messages the bot sends by itself (bot/reminder_texts.py)

reminder-days = { $days ->
    [one] 1 day
   *[other] { $days } days
}
reminder-deadline-title = ⏰ Deadline reminder for <b>{ $task }</b>: { $title }
reminder-deadline-lead = Your organization <b>leads</b> this task.
reminder-deadline-partner = Your organization is a <b>partner</b> in this task.
reminder-deadline-left = Due { $due }, <b>{ $days }</b> left.
reminder-deadline-today = <b>Due today</b> ({ $due }).
reminder-deadline-extended = The deadline was extended from { $original } to { $due }.
reminder-deadline-act-lead = When it is done, send <code>/done { $task }</code>; if you need more time, send <code>/extend { $task } DATE reason</code>.
reminder-deadline-act-partner = Report your organization's part with <code>/report { $task }</code>.
reminder-overdue-title = ⚠️ Task <b>{ $task }</b> is <b>{ $days } overdue</b>: { $title }
reminder-overdue-due = It was due { $due }.
reminder-overdue-act = If it is done, send <code>/done { $task } DATE</code>; if you need more time, send <code>/extend { $task } DATE reason</code>; if something is in the way, send /issue.
reminder-escalation-title = 🔺 Task <b>{ $task }</b> is <b>{ $days }</b> overdue: { $title }
reminder-escalation-lead = Lead organization: <b>{ $lead }</b> ({ $lead_name }); it was due { $due }.
reminder-escalation-act = Overdue tasks: /overdue; overall status: /status.
reminder-report-call-title = 📝 Please send the report for <b>{ $period_name }</b> ({ $period }).
reminder-report-call-left = Due { $due }, <b>{ $days }</b> left.
reminder-report-call-today = <b>The report is due today</b> ({ $due }).
reminder-report-call-act = Update progress and figures with /report; your organization's tasks: /tasks.
reminder-missing-title = 📋 Report for <b>{ $period_name }</b> ({ $period }), due { $due }:
reminder-missing-some = <b>{ $count }/{ $total }</b> organizations have not reported:
reminder-missing-line = • <b>{ $org }</b>: { $name }
reminder-missing-none = ✅ All { $total } organizations have reported.
reminder-missing-act = The period's status: <code>/status { $period }</code>.
reminder-completion-title = ✅ Task <b>{ $task }</b> is done: { $title }
reminder-completion-on-time = Lead organization <b>{ $lead }</b> ({ $lead_name }), done on { $date }, <b>on time</b>.
reminder-completion-late = Lead organization <b>{ $lead }</b> ({ $lead_name }), done on { $date }, <b>late</b>.
reminder-completion-act = Overall status: /status.
reminder-digest-title = 🗓 <b>Weekly digest</b>
reminder-digest-overdue = Overdue and not done: <b>{ $count }</b> tasks.
reminder-digest-act = Details: /status (in a private chat with the bot).

## My reminders: /reminders, and binding the group: /group (bot/reminder_chat.py)

command-nhacnho = Pause or mute reminders
chat-reminders-on = 🔔 Your reminders are <b>on</b>.
chat-reminders-muted = 🔕 You have <b>muted</b> the non-essential reminders.
chat-reminders-snoozed = ⏸ Non-essential reminders are <b>paused until { $until }</b>.
chat-reminders-essential = Essential messages still come: deadlines today, overdue notices, reports due.
chat-reminders-how = Type: <code>/reminders off</code> (mute), <code>/reminders on</code> (unmute), <code>/reminders snooze 3</code> (pause 3 days), <code>/reminders resume</code> (resume now).
chat-reminders-usage = I did not understand «{ $text }». Usage: <code>/reminders</code> (see and choose), <code>/reminders off</code>, <code>/reminders on</code>, <code>/reminders snooze DAYS</code> (1 to { $max } days) or <code>/reminders resume</code>. Nothing was changed.
chat-reminders-button-day = ⏸ Pause 1 day
chat-reminders-button-week = ⏸ Pause 1 week
chat-reminders-button-mute = 🔕 Mute
chat-reminders-button-unmute = 🔔 Unmute
chat-reminders-button-resume = ▶ Resume now
chat-reminders-done-snooze = Reminders paused for { $days ->
    [one] 1 day
   *[other] { $days } days
}.
chat-reminders-done-mute = Non-essential reminders muted.
chat-reminders-done-unmute = Reminders unmuted.
chat-reminders-done-resume = Reminders resumed from now.
chat-group-bound = ✅ This group is now the steering committee group of program <b>{ $program }</b>. Task completions and the weekly digest will be posted here.
chat-group-moved = (The program used to post to another group; from now on it posts only here.)
chat-group-already = This group already is the steering committee group of program <b>{ $program }</b>.
chat-group-not-allowed = Only the chair, a vice-chair or the secretariat can bind the steering committee group. Thank you.
chat-group-in-group-only = /group is used in the steering committee's group: add the bot to the group, then send /group there.

## Command line: phoihop reminders (bot/cli.py)

cli-help-reminders = the reminders' outbox: status, preview
cli-help-reminders-status = the outbox: counts by status and kind, the next messages, failed ones
cli-help-reminders-preview = what would be sent to whom and when (nothing is sent)
cli-help-from = first day (dd/mm/yyyy)
cli-help-to = last day (dd/mm/yyyy)
cli-reminders-title-all = Reminders' outbox: { $count } messages
cli-reminders-title = Reminders' outbox of { $program }: { $count } messages
cli-reminders-status-line = • { $status }: { $count } ({ $kinds })
cli-reminders-kind-count = { $kind } { $count }
cli-reminders-next-title = Next to send ({ $count }):
cli-reminders-more = … and { $count } more.
cli-reminders-next-none = Nothing is waiting to be sent.
cli-reminders-failed-title = Recently failed ({ $count }):
cli-reminders-failed-none = No message failed.
cli-reminders-line = • { $when }  { $kind }  { $recipient }  { $subject }
cli-reminders-error = { "    " }error: { $error } ({ $attempts } attempts)
cli-reminders-group = steering committee group
cli-reminders-person = { $name } ({ $org })
cli-reminders-unknown = { $recipient }
cli-reminders-preview-title = Reminders of { $program } planned from { $start } to { $end } ({ $zone } time): { $count } messages.
cli-reminders-preview-none = Nothing would be sent in this range.
cli-reminders-bad-range = the last day { $end } is before the first day { $start }.
cli-reminders-kind-deadline = deadline
cli-reminders-kind-overdue = overdue
cli-reminders-kind-escalation = escalation
cli-reminders-kind-report_call = report call
cli-reminders-kind-missing_reports = missing reports
cli-reminders-kind-completion = completion
cli-reminders-kind-digest = weekly digest
cli-reminders-status-pending = pending
cli-reminders-status-sending = sending
cli-reminders-status-sent = sent
cli-reminders-status-failed = failed
cli-reminders-status-dropped = dropped
cli-reminders-status-skipped = skipped
