# phoihop: nhắc việc (tiếng Việt). Mỗi khóa phải có trong en/reminders.ftl.
# Tin nhắn dùng HTML của Telegram: <b>, <i>, <code>; dữ liệu người dùng đã được thoát ký tự.

## Tin bot tự gửi (bot/reminder_texts.py)

reminder-days = { $days } ngày
reminder-deadline-title = ⏰ Nhắc hạn nhiệm vụ <b>{ $task }</b>: { $title }
reminder-deadline-lead = Cơ quan của bạn <b>chủ trì</b> nhiệm vụ này.
reminder-deadline-partner = Cơ quan của bạn <b>phối hợp</b> thực hiện nhiệm vụ này.
reminder-deadline-left = Hạn hoàn thành { $due }, còn <b>{ $days }</b>.
reminder-deadline-today = <b>Hôm nay là hạn</b> hoàn thành ({ $due }).
reminder-deadline-extended = Hạn đã được gia hạn từ { $original } đến { $due }.
reminder-deadline-act-lead = Khi xong, gửi <code>/xong { $task }</code>; cần thêm thời gian, gửi <code>/giahan { $task } NGÀY lý do</code>.
reminder-deadline-act-partner = Báo cáo phần việc của cơ quan bằng <code>/baocao { $task }</code>.
reminder-overdue-title = ⚠️ Nhiệm vụ <b>{ $task }</b> đã <b>quá hạn { $days }</b>: { $title }
reminder-overdue-due = Hạn hoàn thành là { $due }.
reminder-overdue-act = Nếu đã xong, gửi <code>/xong { $task } NGÀY</code>; cần thêm thời gian, gửi <code>/giahan { $task } NGÀY lý do</code>; có vướng mắc, gửi /khokhan.
reminder-escalation-title = 🔺 Nhiệm vụ <b>{ $task }</b> quá hạn <b>{ $days }</b>: { $title }
reminder-escalation-lead = Cơ quan chủ trì: <b>{ $lead }</b> ({ $lead_name }); hạn hoàn thành { $due }.
reminder-escalation-act = Xem các nhiệm vụ quá hạn: /quahan; tình hình chung: /tinhhinh.
reminder-report-call-title = 📝 Đề nghị gửi báo cáo <b>{ $period_name }</b> ({ $period }).
reminder-report-call-left = Hạn gửi { $due }, còn <b>{ $days }</b>.
reminder-report-call-today = <b>Hôm nay là hạn gửi</b> báo cáo ({ $due }).
reminder-report-call-act = Cập nhật tiến độ, số liệu bằng /baocao; xem các việc của cơ quan: /viec.
reminder-missing-title = 📋 Báo cáo <b>{ $period_name }</b> ({ $period }), hạn gửi { $due }:
reminder-missing-some = <b>{ $count }/{ $total }</b> cơ quan chưa gửi báo cáo:
reminder-missing-line = • <b>{ $org }</b>: { $name }
reminder-missing-none = ✅ Cả { $total } cơ quan đã gửi báo cáo.
reminder-missing-act = Xem tình hình của kỳ: <code>/tinhhinh { $period }</code>.
reminder-completion-title = ✅ Nhiệm vụ <b>{ $task }</b> đã hoàn thành: { $title }
reminder-completion-on-time = Cơ quan chủ trì <b>{ $lead }</b> ({ $lead_name }), hoàn thành ngày { $date }, <b>đúng hạn</b>.
reminder-completion-late = Cơ quan chủ trì <b>{ $lead }</b> ({ $lead_name }), hoàn thành ngày { $date }, <b>quá hạn</b>.
reminder-completion-act = Tình hình chung: /tinhhinh.
reminder-digest-title = 🗓 <b>Điểm tin tuần</b>
reminder-digest-overdue = Quá hạn chưa hoàn thành: <b>{ $count }</b> nhiệm vụ.
reminder-digest-act = Chi tiết: /tinhhinh (trong tin nhắn riêng với bot).

## Nhắc việc của tôi: /nhacnho và gắn nhóm: /nhom (bot/reminder_chat.py)

command-nhacnho = Tạm dừng hoặc tắt nhắc việc
chat-reminders-on = 🔔 Nhắc việc của bạn đang <b>bật</b>.
chat-reminders-muted = 🔕 Bạn đã <b>tắt</b> các nhắc việc không thiết yếu.
chat-reminders-snoozed = ⏸ Các nhắc việc không thiết yếu <b>tạm dừng đến { $until }</b>.
chat-reminders-essential = Các tin thiết yếu vẫn được gửi: hạn trong ngày, quá hạn, đề nghị báo cáo đến hạn.
chat-reminders-how = Gõ: <code>/nhacnho tat</code> (tắt), <code>/nhacnho bat</code> (bật lại), <code>/nhacnho hoan 3</code> (tạm dừng 3 ngày), <code>/nhacnho tiep</code> (nhắc lại ngay).
chat-reminders-usage = Bot chưa hiểu «{ $text }». Cách dùng: <code>/nhacnho</code> (xem và chọn), <code>/nhacnho tat</code>, <code>/nhacnho bat</code>, <code>/nhacnho hoan SỐ_NGÀY</code> (từ 1 đến { $max } ngày) hoặc <code>/nhacnho tiep</code>. Chưa có gì thay đổi.
chat-reminders-button-day = ⏸ Dừng 1 ngày
chat-reminders-button-week = ⏸ Dừng 1 tuần
chat-reminders-button-mute = 🔕 Tắt
chat-reminders-button-unmute = 🔔 Bật lại
chat-reminders-button-resume = ▶ Nhắc lại ngay
chat-reminders-done-snooze = Đã tạm dừng nhắc việc { $days } ngày.
chat-reminders-done-mute = Đã tắt các nhắc việc không thiết yếu.
chat-reminders-done-unmute = Đã bật lại nhắc việc.
chat-reminders-done-resume = Nhắc việc đã chạy lại từ bây giờ.
chat-group-bound = ✅ Nhóm này đã được gắn làm nhóm Ban Chỉ đạo của chương trình <b>{ $program }</b>. Thông báo hoàn thành nhiệm vụ và điểm tin hằng tuần sẽ gửi vào đây.
chat-group-moved = (Trước đây chương trình gửi vào một nhóm khác; từ nay chỉ gửi vào nhóm này.)
chat-group-already = Nhóm này đã là nhóm Ban Chỉ đạo của chương trình <b>{ $program }</b>.
chat-group-not-allowed = Chỉ Trưởng ban, Phó Trưởng ban hoặc Tổ giúp việc mới gắn được nhóm Ban Chỉ đạo. Xin cảm ơn bạn.
chat-group-in-group-only = Lệnh /nhom dùng trong nhóm Ban Chỉ đạo: hãy thêm bot vào nhóm rồi gửi /nhom trong nhóm đó.

## Dòng lệnh: phoihop reminders (bot/cli.py)

cli-help-reminders = hàng đợi tin nhắc việc: tình trạng, xem trước
cli-help-reminders-status = tin trong hàng đợi: số lượng theo trạng thái và loại, tin sắp gửi, tin lỗi
cli-help-reminders-preview = xem trước những tin sẽ gửi, cho ai, khi nào (không gửi)
cli-help-from = ngày đầu (dd/mm/yyyy)
cli-help-to = ngày cuối (dd/mm/yyyy)
cli-reminders-title-all = Hàng đợi tin nhắc việc: { $count } tin
cli-reminders-title = Hàng đợi tin nhắc việc của { $program }: { $count } tin
cli-reminders-status-line = • { $status }: { $count } ({ $kinds })
cli-reminders-kind-count = { $kind } { $count }
cli-reminders-next-title = Tin sắp gửi ({ $count }):
cli-reminders-more = … và { $count } tin nữa.
cli-reminders-next-none = Không có tin nào đang chờ gửi.
cli-reminders-failed-title = Tin gửi lỗi gần đây ({ $count }):
cli-reminders-failed-none = Không có tin nào gửi lỗi.
cli-reminders-line = • { $when }  { $kind }  { $recipient }  { $subject }
cli-reminders-error = { "    " }lỗi: { $error } (đã thử { $attempts } lần)
cli-reminders-group = nhóm Ban Chỉ đạo
cli-reminders-person = { $name } ({ $org })
cli-reminders-unknown = { $recipient }
cli-reminders-preview-title = Dự kiến tin nhắc việc của { $program } từ { $start } đến { $end } (giờ { $zone }): { $count } tin.
cli-reminders-preview-none = Không có tin nào sẽ gửi trong khoảng này.
cli-reminders-bad-range = ngày cuối { $end } trước ngày đầu { $start }.
cli-reminders-kind-deadline = nhắc hạn
cli-reminders-kind-overdue = quá hạn
cli-reminders-kind-escalation = báo lãnh đạo
cli-reminders-kind-report_call = đề nghị báo cáo
cli-reminders-kind-missing_reports = chưa báo cáo
cli-reminders-kind-completion = hoàn thành
cli-reminders-kind-digest = điểm tin tuần
cli-reminders-status-pending = chờ gửi
cli-reminders-status-sending = đang gửi
cli-reminders-status-sent = đã gửi
cli-reminders-status-failed = lỗi
cli-reminders-status-dropped = bỏ
cli-reminders-status-skipped = bị chặn
