# Several programs per person: /chuongtrinh, the question "which program?", the header line.

command-chuongtrinh = Chọn chương trình làm việc
# Atop every reply to a person in several programs: the program it is about.
programs-header = 📂 <b>{ $program }</b>
programs-title = <b>Các chương trình của bạn</b> ({ $count }):
programs-line =
    { $mark } <b>{ $program }</b>: { $title }
        { $role } của <b>{ $org }</b> ({ $org_name })
programs-mark-current = ✅
programs-mark-other = ▫️
programs-current = Đang làm việc trong chương trình <b>{ $program }</b>.
programs-none-chosen = Bạn chưa chọn chương trình làm việc.
programs-how = Bấm nút để chuyển chương trình, hoặc gõ /chuongtrinh MÃ (ví dụ /chuongtrinh { $example }).
programs-only-one = Bạn tham gia một chương trình; không cần chọn.
programs-switched =
    Đã chuyển sang chương trình <b>{ $program }</b>: { $title }.
    Bạn là { $role } của <b>{ $org }</b> ({ $org_name }). Từ giờ các lệnh làm việc trong chương trình này; gõ /chuongtrinh để đổi.
programs-already =
    Bạn đang làm việc trong chương trình <b>{ $program }</b>: { $title }.
    Bạn là { $role } của <b>{ $org }</b> ({ $org_name }).
programs-ask =
    Bạn tham gia { $count } chương trình: { $programs }.
    Lệnh này dành cho chương trình nào? Bấm để chọn: bot sẽ nhớ lựa chọn và làm ngay việc bạn vừa gửi.
programs-task-elsewhere =
    Nhiệm vụ «{ $task }» không có trong chương trình <b>{ $current }</b> đang chọn, nhưng có trong: { $programs }.
    Báo cáo này dành cho chương trình nào? Bấm để chọn (bot sẽ chuyển sang chương trình đó).
op-not_in_program = Bạn không tham gia chương trình «{ $program }». Chương trình của bạn: { $programs }. Gõ /chuongtrinh để xem và chọn.
programs-help = Bạn tham gia { $count } chương trình; mỗi tin trả lời ghi mã chương trình ở dòng đầu. /chuongtrinh: xem và chuyển chương trình làm việc.
