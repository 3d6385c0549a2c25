# phoihop: the status workbook and chart (English). Every key must be in vi/exports.ftl.

## Workbook (.xlsx)

xlsx-sheet-summary = Summary
xlsx-sheet-tasks = Tasks
xlsx-sheet-indicators = Indicators by organization
xlsx-title = STATUS OF { $program }
xlsx-as-of = As of { $date }
xlsx-org-view = The part of { $org } ({ $name })
xlsx-org-sheet-title = Tasks of { $org } ({ $name }), as of { $date }
xlsx-headline = Done: { $parts }.
xlsx-kinds-title = By kind of task
xlsx-orgs-title = By lead organization (registered tasks)
xlsx-overdue-title = Overdue tasks ({ $count })
xlsx-overdue-none = No overdue tasks.
xlsx-overdue-more = … and { $count } more overdue tasks: see the «{ $sheet }» sheet.
xlsx-totals-title = Program totals
xlsx-totals-none = No figures yet.
xlsx-due-rate = { $done }/{ $due } ({ $percent }%)
xlsx-due-rate-none = no task due yet
xlsx-col-kind = Kind of task
xlsx-col-done-of-total = Done/total
xlsx-col-total = Total
xlsx-col-on-time = Done on time
xlsx-col-late = Done late
xlsx-col-in-progress = In progress
xlsx-col-overdue = Overdue
xlsx-col-due-rate = Rate over tasks due
xlsx-col-org = Organization
xlsx-col-org-name = Name
xlsx-col-registered = Registered: done/total
xlsx-col-overdue-count = Overdue tasks led
xlsx-col-overdue-tasks = Overdue tasks
xlsx-col-contributions = Common tasks contributed to
xlsx-col-days-late = Days late
xlsx-col-indicator = Indicator
xlsx-col-unit = Unit
xlsx-col-value = Result
xlsx-col-number = No.
xlsx-col-code = Code
xlsx-col-title = Task
xlsx-col-lead = Lead
xlsx-col-partners = Partners
xlsx-col-deadline = Deadline
xlsx-col-extended = Extended to
xlsx-col-status = Status
xlsx-col-done-on = Completed on
xlsx-col-targets = Targets
xlsx-col-results = Results
xlsx-col-role = Role
xlsx-col-own-results = Its figures
xlsx-col-task = Task code
xlsx-col-target = Target
xlsx-col-total-value = Total
xlsx-col-qualifier = Note
xlsx-role-lead = Lead
xlsx-role-partner = Partner
xlsx-partners-all = All member organizations
xlsx-ongoing = Ongoing
xlsx-counts-toward = (counts toward { $task })
xlsx-value-separator = { "; " }

## Chart (.png)

chart-title = { $program }: registered tasks by lead organization
chart-as-of = As of { $date }
chart-axis = Registered tasks led
chart-cut = the { $shown } of { $total } organizations with the most tasks
chart-empty = No tasks yet.
