# Several programs per person: /program, the question "which program?", the header line.

command-chuongtrinh = Choose the program to work in
# Atop every reply to a person in several programs: the program it is about.
programs-header = 📂 <b>{ $program }</b>
programs-title = <b>Your programs</b> ({ $count }):
programs-line =
    { $mark } <b>{ $program }</b>: { $title }
        { $role } of <b>{ $org }</b> ({ $org_name })
programs-mark-current = ✅
programs-mark-other = ▫️
programs-current = Working in program <b>{ $program }</b>.
programs-none-chosen = You have not chosen a program to work in yet.
programs-how = Press a button to switch programs, or type /program CODE (e.g. /program { $example }).
programs-only-one = You are in one program; there is nothing to choose.
programs-switched =
    Switched to program <b>{ $program }</b>: { $title }.
    You are { $role } of <b>{ $org }</b> ({ $org_name }). Commands now work in this program; type /program to change.
programs-already =
    You are working in program <b>{ $program }</b>: { $title }.
    You are { $role } of <b>{ $org }</b> ({ $org_name }).
programs-ask =
    You are in { $count } programs: { $programs }.
    Which program is this for? Press one: the bot remembers your choice and does what you just sent right away.
programs-task-elsewhere =
    Task “{ $task }” is not in program <b>{ $current }</b> (the one you are working in), but it is in: { $programs }.
    Which program is this report for? Press one (the bot switches to it).
op-not_in_program = You are not in program “{ $program }”. Your programs: { $programs }. Type /program to see and choose.
programs-help = You are in { $count } programs; each reply names its program on its first line. /program: see and switch the program you work in.
