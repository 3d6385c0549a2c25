# phoihop: the plan by chat (English). Every key must also be in vi/plan.ftl.
# Messages use Telegram's HTML: <b>, <i>, <code>; user data is escaped before it goes in.

## Sending a plan file

plan-refused-stranger = Only the chair, a vice-chair or the secretariat of a program can send a plan. You are not bound to any program yet: ask the secretariat for an invitation link.
plan-refused-officer =
    Thank you! Only the chair, a vice-chair or the secretariat can change the plan, so this file was not used.
    If it is evidence for a task, send it again with a caption starting with the task code, e.g. <code>R09</code>.
plan-too-big = The file <b>{ $name }</b> is too large ({ $size } MB); a plan sent by chat may be { $limit } MB at most. For a large plan, ask the administrator to use <code>phoihop import</code>.
plan-download-failed = Could not download <b>{ $name }</b> from Telegram. Please send it again in a few minutes.
plan-broken = ❌ Cannot use <b>{ $name }</b>: { $count } problem(s). The plan has not changed; please fix the file and send it again.
plan-more-issues = … and { $count } more problem(s).
plan-more = and { $count } more

## Preview

plan-unchanged = The plan in this file is the same as program <b>{ $program }</b>'s current plan: nothing to change.
plan-preview-new =
    📋 This file creates a <b>new program { $program }</b>: { $title }
    With { $orgs } organizations, { $indicators } indicators, { $periods } reporting periods, { $tasks } tasks.
    You will be its secretariat, acting for { $org }.
plan-preview-update = 📋 Changes to the plan of program <b>{ $program }</b> ({ $title }):
plan-program-changed = • The program's details or its committee change
plan-tasks-added = • New tasks ({ $count }): { $codes }
plan-tasks-changed = • Changed tasks ({ $count }): { $codes }
plan-tasks-removed = • Removed tasks ({ $count }): { $codes }
plan-organizations-added = • New organizations ({ $count }): { $codes }
plan-organizations-changed = • Changed organizations ({ $count }): { $codes }
plan-organizations-removed = • Removed organizations ({ $count }): { $codes }
plan-indicators-added = • New indicators ({ $count }): { $codes }
plan-indicators-changed = • Changed indicators ({ $count }): { $codes }
plan-indicators-removed = • Removed indicators ({ $count }): { $codes }
plan-periods-added = • New reporting periods ({ $count }): { $codes }
plan-periods-changed = • Changed reporting periods ({ $count }): { $codes }
plan-periods-removed = • Removed reporting periods ({ $count }): { $codes }
plan-removed-kept = Removed tasks are hidden from the plan; their reports are kept as they are.
plan-affected = Organizations whose tasks change ({ $count }): { $orgs }. { $officers } focal officer(s) of these organizations will be told.
plan-confirm-hint = Press <b>Apply</b> to make every change at once (or none, if anything fails), or <b>Cancel</b>.
plan-button-apply = ✅ Apply
plan-button-cancel = ✖️ Cancel

## Applying

plan-applied-short = The plan is applied.
plan-applied = ✅ The plan of program <b>{ $program }</b> is applied: { $added } new, { $changed } changed, { $removed } removed task(s). Every report is kept. { $told } focal officer(s) were told.
plan-created = ✅ Program <b>{ $program }</b> is created with { $tasks } tasks. You are its secretariat, acting for { $org }; use /invite to invite the organizations.
plan-already-applied = This plan has already been applied.
plan-cancelled = Cancelled: the plan has not changed.
plan-notice = 📋 The plan of program <b>{ $program }</b> has just been updated. For { $org }:
plan-notice-added = • new tasks: { $codes }
plan-notice-changed = • changed tasks: { $codes }
plan-notice-removed = • removed tasks: { $codes }
plan-notice-end = Send /tasks to see your organization's tasks.

## /plan

plan-export-caption = The plan of program { $program }. Edit this file and send it back to the bot to update the plan.
plan-help = Send /plan to get the plan as a workbook; edit it and send the file back (.xlsx or .yaml) to preview and apply the changes.

## Refusals

op-plan_not_allowed = Only the chair, a vice-chair or the secretariat of program { $program } can change its plan.
op-plan_create_not_allowed = There is no program { $program } yet. Only somebody who is already chair, vice-chair or secretariat of a program can create a new one.
op-plan_no_standing_org = To create the new program { $program }, the plan must name the standing organization (committee, standing_org): the sender becomes secretariat acting for it.
op-plan_stale = The plan of program { $program } has changed since your preview. Please send the plan file again to review the changes.
op-plan_cancelled = This plan preview was cancelled; send the file again to apply it.
op-plan_already_applied = The plan of program { $program } has already been applied and cannot be cancelled. To change it back, send a new plan file.
