# Giving, changing and cancelling tasks by chat (bot/assign.py, storage/task_edits.py)

assign-kind-common = common task
assign-kind-registered = registered task
assign-kind-focus = focus task
assign-partners-all = every member organization
assign-partners-none = none
assign-due-ongoing = ongoing
assign-targets-none = none
assign-line-code = Code: <b>{ $task }</b> ({ $kind })
assign-line-title = Title: { $value }
assign-line-lead = Lead: <b>{ $value }</b>
assign-line-partners = Partners: { $value }
assign-line-due = Deadline: { $value }
assign-line-targets = Targets: { $value }
assign-line-reason = Reason: { $reason }
assign-line-change = { $field }: { $before } → <b>{ $after }</b>
assign-field-title = Title
assign-field-lead = Lead
assign-field-partners = Partners
assign-field-due = Deadline
assign-field-targets = Targets
assign-readback-give = <b>New task</b>, please check, then press Confirm:
assign-code-generated = (The bot chose the next code of this kind; for another, type <code>code TT05</code> after the kind.)
assign-readback-edit = <b>Change task { $task }</b> ({ $title }), please check, then press Confirm:
assign-readback-cancel = <b>Cancel task { $task }</b> ({ $title }), please check, then press Confirm:
assign-cancel-effect = The task will no longer count in the plan; the reports made on it stay on record.
assign-role-lead = leads it
assign-role-partner = is a partner
assign-notice-give = 📌 The committee has given a new task; your organization <b>{ $role }</b>:
assign-notice-edit = ✏️ The committee has changed task <b>{ $task }</b> ({ $title }):
assign-notice-cancel = ✖ The committee has cancelled task <b>{ $task }</b> ({ $title }); no more reports are needed.
assign-done-short = Recorded.
assign-done-give = ✅ Task <b>{ $task }</b> given; { $told } focal officers told.
assign-done-edit = ✅ Task <b>{ $task }</b> changed; { $told } focal officers told.
assign-done-cancel = ✅ Task <b>{ $task }</b> cancelled; { $told } focal officers told.
assign-already = This was already recorded.
assign-draft-cancelled = Dropped; nothing changed.
assign-usage =
    To give a task in one line:
    <code>/assign focus "Mid-year review conference" lead HND; partners HLHPN, TD; due 30/9; targets 20 hội nghị</code>
    Kinds: common, registered, focus. Partners: organization codes, or "all". Deadline: a date (30/9, 30/09/2019) or "ongoing". Targets: numbers with their units (optional). Send /assign alone to go step by step with buttons.
assign-edit-usage =
    To change a task: <code>/edittask CODE</code> then the fields to change, for example:
    <code>/edittask TT01 due 15/10; partners HLHPN, TD, HCCB</code>
    Fields: title "…", lead, partners, due, targets (fields not typed stay as they are).
assign-cancel-usage = To cancel a task: <code>/canceltask CODE reason</code>, for example <code>/canceltask TT01 merged into CT01</code>
assign-cancel-reason-missing = Please type the reason after the task code, for example <code>/canceltask { $task } merged into another task</code>
assign-step-kind = <b>New task.</b> Choose its kind:
assign-step-title = Kind: { $kind }. Please type the <b>task's title</b>:
assign-step-lead = Title: { $title }. Choose the <b>lead organization</b> (or type its code):
assign-step-partners = Lead: <b>{ $lead }</b>. Choose the <b>partner organizations</b> (press to select / unselect; or type their codes), then press «Done». Selected: { $partners }
assign-step-due = Please type the <b>deadline</b>: a date such as 30/9 or 30/09/2019, or "ongoing".
assign-step-targets = Please type the <b>targets</b> (for example <code>20 hội nghị, 5,000 lượt người</code>), or press «No targets».
assign-step-again = Please type it again.
assign-step-quit = Stopped giving a task; nothing changed.
assign-button-quit = ✖ Stop
assign-button-done = Done ▶
assign-button-no-targets = No targets
assign-help = Give a task: <code>/assign</code> (step by step) or <code>/assign focus "Title" lead HND; partners TD; due 30/9; targets 20 hội nghị</code>. Change: <code>/edittask CODE due 15/10</code>. Cancel: <code>/canceltask CODE reason</code>.

op-task_not_allowed = Only the chair, the vice-chairs and the secretariat may give, change or cancel tasks.
op-task_empty = The task is empty.
op-task_no_kind = «{ $text }» is not a kind of task; start with common, registered or focus.
op-task_unclosed_quote = A closing quotation mark is missing in «{ $text }».
op-task_unknown_part = «{ $text }» is not understood; the fields are: lead, partners, due, targets (separated by semicolons).
op-task_repeated_part = The field «{ $text }» is typed twice.
op-task_no_title = The task has no title; type it in quotes, for example "Mid-year review conference".
op-task_title_too_long = The title is longer than { $limit } characters; please shorten it.
op-task_one_lead = A task has exactly one lead organization; «{ $text }» is not one organization code.
op-task_no_lead = The lead organization is missing; add <code>lead ORG_CODE</code>.
op-task_target_unknown_unit = The unit «{ $unit }» is none of the program's indicators; use one of: { $units }.
op-task_target_which = The number «{ $number }» has no unit; type the unit after it or an indicator code before it, among: { $choices }.
op-task_target_repeated = The indicator { $indicator } is typed twice.
op-task_target_unreadable = The targets «{ $text }» cannot be read; type positive numbers with their units, for example 20 hội nghị, 5,000 lượt người.
op-task_unknown_indicator = The program has no indicator «{ $indicator }».
op-task_due_past = The deadline { $due } is past; choose today or a later day.
op-task_due_after_end = The deadline { $due } is after the program's end ({ $end }).
op-task_bad_code = «{ $text }» is not a valid task code; use letters, digits and . _ - only.
op-task_code_taken = The program already has a task { $task }; choose another code or let the bot choose one.
op-task_nothing_to_change = Nothing would change in task { $task }.
op-task_changed_meanwhile = Somebody else has just changed task { $task }; please send the command again.
op-task_draft_cancelled = This was dropped; please send the command again.
op-task_draft_confirmed = This was already recorded.
op-task_counted_in = { $task } cannot be cancelled: tasks { $tasks } count toward it; change or cancel them first.
