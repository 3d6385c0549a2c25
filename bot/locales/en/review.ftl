# Interim / final review report (draft .docx): bot/exports/review.py
review-issuer-party = { $level ->
    [district] { $place } DISTRICT PARTY COMMITTEE
    [commune] { $place } COMMUNE PARTY COMMITTEE
   *[province] { $place } PROVINCIAL PARTY COMMITTEE
}
review-issuer-state = { $level ->
    [district] { $place } DISTRICT PEOPLE'S COMMITTEE
    [commune] { $place } COMMUNE PEOPLE'S COMMITTEE
   *[province] { $place } PROVINCIAL PEOPLE'S COMMITTEE
}
review-star = *
review-number-party = No.      -BC/BCĐ
review-number-state = No.:      /BC-BCĐ
review-party-name = COMMUNIST PARTY OF VIETNAM
review-state-name = SOCIALIST REPUBLIC OF VIETNAM
review-state-motto = Independence - Freedom - Happiness
review-place-date = { $place }, { $date }
review-title = REPORT
review-subject = { $final ->
    [yes] Final review
   *[no] Interim review
} of { $period }: implementation of { $program }
review-subject-no-period = Implementation of { $program } (as of { $date })
review-section-leadership = I. LEADERSHIP, DIRECTION AND DEPLOYMENT
review-leadership-text = To implement { $program }{ $document }, the { $committee } issued its plan and assigned tasks to the member organizations; each member organization turned them into its own plan and took the lead in carrying them out together. [Secretariat to add: directives, briefing conferences, inspections and supervision.]
review-document = { " " }no. { $document }
review-section-results = II. RESULTS
review-results-headline = As of { $date }, the members of the steering committee have directed and completed { $parts }.
review-results-none = As of { $date }, the program has no tasks.
review-part-common = { $done }/{ $total } common tasks
review-part-registered = { $done }/{ $total } tasks registered by member organizations
review-part-focus = { $done }/{ $total } focus tasks
review-kind-common = Common tasks
review-kind-registered = Tasks registered by member organizations
review-kind-focus = Focus tasks
review-split = { $kind }: { $on_time } done on time; { $late } done late{ $late_codes }; { $in_progress } in progress; { $overdue } overdue{ $overdue_codes }. { $rate }
review-rate = Completion rate over tasks already due: { $done }/{ $due } ({ $percent }%).
review-rate-none = No task is due yet.
review-codes = { " " }({ $codes })
review-figures-title = Results of the common tasks:
review-figure-line = - { $code } { $title }: { $values }.
review-figures-none = No figures have been reported on the common tasks yet.
review-value-target = { $value } (target { $target })
review-more-see-appendix = - And { $count } more tasks (see the Appendix).
review-orgs-title = Tasks registered by member organizations:
review-org-line = - { $name } ({ $code }): { $done }/{ $total } tasks done{ $overdue }.
review-org-overdue = ; overdue: { $codes }
review-org-contributions = Member organizations that reported figures on common tasks: { $orgs }.
review-section-assessment = III. ASSESSMENT
review-strengths-title = 1. Strengths
review-strengths-text = The member organizations took up their tasks actively and worked together ever more closely, completing { $done }/{ $total } tasks; { $rate } [Secretariat to add the outstanding results.]
review-strengths-rate = the completion rate over tasks already due is { $percent }%.
review-strengths-no-rate = no task is due yet.
review-limitations-title = 2. Limitations, difficulties and their causes
review-overdue-intro = { $count } tasks are overdue:
review-overdue-none = No task is overdue.
review-overdue-line = - { $code } { $title } (lead { $lead }): due { $deadline }, { $days } days late.
review-more = - And { $count } more.
review-difficulties-intro = Difficulties reported by member organizations:
review-difficulties-none = No member organization reported difficulties in this period.
review-difficulty-line = - { $org }: { $text }
review-difficulty-task = { " " }(task { $task })
review-causes = Causes: [Secretariat to add the objective and subjective causes.]
review-section-directions = IV. DIRECTIONS AND FOCUS TASKS FOR { $period }
review-section-directions-plain = IV. DIRECTIONS AND FOCUS TASKS AHEAD
review-directions-text = The member organizations keep carrying out the program, completing the overdue tasks first, and the following tasks:
review-next-line = - { $code } { $title } (lead { $lead }, due { $deadline }).
review-next-none = Keep carrying out the program's ongoing tasks.
review-section-recommendations = V. RECOMMENDATIONS
review-recommendations-text = [Secretariat to add recommendations to higher levels and the agencies concerned.]
review-recipients-title = Recipients:
review-recipient-line = - { $name },
review-recipients-members = - Member organizations of the committee,
review-recipients-file = - Secretariat's file.
review-sign-for = ON BEHALF OF THE STEERING COMMITTEE
review-sign-title = CHAIR
review-sign-name = [Full name]
review-appendix-title = APPENDIX
review-appendix-subtitle = Tasks of { $program } (as of { $date })
review-appendix-caption = (Attached to the report of the { $committee })
review-col-number = No.
review-col-task = Task
review-col-lead = Lead
review-col-partners = Partners
review-col-deadline = Deadline
review-col-figures = Targets/Results
review-col-status = Status
review-partners-all = all
review-deadline-ongoing = ongoing
review-deadline-extended = { $deadline } (extended to { $extended })
review-figure-both = Target { $target }, reached { $result } { $unit }
review-figure-target = Target { $target } { $unit }, no result yet
review-figure-result = Reached { $result } { $unit }
review-status-done_on_time = Done on time
review-status-done_late = Done late
review-status-in_progress = In progress
review-status-overdue = Overdue ({ $days } days)
op-review_unknown_period = The program has no reporting period «{ $period }».
