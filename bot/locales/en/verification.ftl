## Verification of completions (bot/verification.py)

command-duyet = Verify the tasks reported done
chat-help-verify = When the program verifies completions, a lead's done report counts only once the chair, a vice-chair or the secretariat accepts it: the bot sends each one privately with its evidence and the buttons Accept / Return; /verify lists those waiting.
chat-verify-card =
    📥 <b>Waiting for verification: { $task }</b> { $title }
    Lead organization: { $org }
chat-verify-card-dates = Completed on { $completed } (reported on { $reported }), deadline { $deadline }
chat-verify-card-author = Reported by: { $name }
chat-verify-card-note = Note: { $note }
chat-verify-card-evidence = Evidence: { $count } file(s), sent right after this message.
chat-verify-card-no-evidence = No evidence yet.
chat-verify-button-accept = ✅ Accept
chat-verify-button-return = ↩️ Return
chat-verify-evidence-caption = Evidence { $n }/{ $count } of task { $task }
chat-verify-waiting = ⏳ This program verifies completions: task { $task } counts as done once the chair or the secretariat accepts it. The bot will tell you the outcome.
chat-verify-none = No completion is waiting for verification in program { $program }.
chat-verify-off = Program { $program } does not verify completions: a lead's done report counts at once.
chat-verify-list = { $count } completion(s) waiting for verification; here are the { $shown } reported first.
chat-verify-reason-prompt = Please type why the completion of task { $task } by { $org } is returned (e.g. the acceptance record is missing). The bot will pass it on to the organization.
chat-verify-already = The completion of task { $task } has already been handled: { $status } (on { $date }).
chat-verify-status-pending = waiting for verification
chat-verify-status-accepted = accepted
chat-verify-status-returned = returned
chat-verify-status-superseded = replaced by a later report
chat-verify-accepted-by-you = ✅ Task <b>{ $task }</b> of { $org } accepted: { $status }. The organization will be told.
chat-verify-returned-by-you = ↩️ The completion of task <b>{ $task }</b> was returned to { $org }, reason: { $reason }
chat-verify-accepted = ✅ Task <b>{ $task }</b> { $title } was accepted on { $decided }: { $status } (completed on { $completed }).
chat-verify-returned =
    ↩️ The completion of task <b>{ $task }</b> { $title } was returned, reason: { $reason }
    The task does not count as done yet. Once it is complete, report it again with <code>/done { $task }</code>.
op-not_verifier = Only the program's chair, vice-chairs or secretariat verify completions.
op-unknown_completion = This completion no longer exists; send /verify to see those waiting.
op-return_reason_missing = Please type the reason for returning it (one line of text), e.g. the acceptance record is missing.
chat-verify-readback = ⏳ This program verifies completions: once confirmed, task { $task } waits for the chair or the secretariat to accept it before it counts as done.
chat-task-awaiting = { $when }, ⏳ waiting for verification
chat-status-awaiting = ⏳ Waiting for verification: { $count } completion(s) (see /verify).
op-accepted_not_done = The field accepted (the day of acceptance) is only for a completion (done: true) of task { $task }.
op-accepted_before_report = Task { $task }: accepted on { $date }, before the report of { $reported }.
op-completion_decided = The completion of task { $task } is no longer waiting for verification (already decided, or replaced by a later report), so it cannot be accepted.
