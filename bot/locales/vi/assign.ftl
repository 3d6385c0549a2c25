# Giao, sửa, hủy nhiệm vụ qua chat (bot/assign.py, storage/task_edits.py)

assign-kind-common = nhiệm vụ chung
assign-kind-registered = nhiệm vụ đăng ký chủ trì
assign-kind-focus = nhiệm vụ trọng tâm
assign-partners-all = tất cả cơ quan thành viên
assign-partners-none = không có
assign-due-ongoing = thường xuyên
assign-targets-none = không có
assign-line-code = Mã: <b>{ $task }</b> ({ $kind })
assign-line-title = Nội dung: { $value }
assign-line-lead = Chủ trì: <b>{ $value }</b>
assign-line-partners = Phối hợp: { $value }
assign-line-due = Thời hạn: { $value }
assign-line-targets = Chỉ tiêu: { $value }
assign-line-reason = Lý do: { $reason }
assign-line-change = { $field }: { $before } → <b>{ $after }</b>
assign-field-title = Nội dung
assign-field-lead = Chủ trì
assign-field-partners = Phối hợp
assign-field-due = Thời hạn
assign-field-targets = Chỉ tiêu
assign-readback-give = <b>Giao nhiệm vụ mới</b>, xin kiểm tra rồi bấm Xác nhận:
assign-code-generated = (Mã do bot đặt theo thứ tự của loại nhiệm vụ; muốn mã khác hãy gõ thêm <code>mã TT05</code> sau loại.)
assign-readback-edit = <b>Sửa nhiệm vụ { $task }</b> ({ $title }), xin kiểm tra rồi bấm Xác nhận:
assign-readback-cancel = <b>Hủy nhiệm vụ { $task }</b> ({ $title }), xin kiểm tra rồi bấm Xác nhận:
assign-cancel-effect = Nhiệm vụ sẽ không còn được tính trong kế hoạch; các báo cáo đã có vẫn được lưu.
assign-role-lead = chủ trì
assign-role-partner = phối hợp
assign-notice-give = 📌 Ban Chỉ đạo vừa giao nhiệm vụ mới, cơ quan của bạn <b>{ $role }</b>:
assign-notice-edit = ✏️ Nhiệm vụ <b>{ $task }</b> ({ $title }) vừa được Ban Chỉ đạo điều chỉnh:
assign-notice-cancel = ✖ Nhiệm vụ <b>{ $task }</b> ({ $title }) đã được Ban Chỉ đạo hủy; không cần báo cáo thêm.
assign-done-short = Đã ghi nhận.
assign-done-give = ✅ Đã giao nhiệm vụ <b>{ $task }</b>; đã báo cho { $told } cán bộ đầu mối.
assign-done-edit = ✅ Đã sửa nhiệm vụ <b>{ $task }</b>; đã báo cho { $told } cán bộ đầu mối.
assign-done-cancel = ✅ Đã hủy nhiệm vụ <b>{ $task }</b>; đã báo cho { $told } cán bộ đầu mối.
assign-already = Việc này đã được ghi nhận rồi.
assign-draft-cancelled = Đã bỏ, không có gì thay đổi.
assign-usage =
    Cách giao nhiệm vụ trong một dòng:
    <code>/giao trongtam "Tổ chức hội nghị sơ kết" chủ trì HND; phối hợp HLHPN, TD; hạn 30/9; chỉ tiêu 20 hội nghị</code>
    Loại: chung, dangky, trongtam. Phối hợp: danh sách mã cơ quan, hoặc "tất cả". Hạn: ngày (30/9, 30/09/2019) hoặc "thường xuyên". Chỉ tiêu: số kèm đơn vị (không bắt buộc). Gửi /giao không kèm gì để làm từng bước bằng nút.
assign-edit-usage =
    Cách sửa nhiệm vụ: <code>/suaviec MÃ</code> rồi những mục cần đổi, ví dụ:
    <code>/suaviec TT01 hạn 15/10; phối hợp HLHPN, TD, HCCB</code>
    Các mục: tên "…", chủ trì, phối hợp, hạn, chỉ tiêu (mục không gõ thì giữ nguyên).
assign-cancel-usage = Cách hủy nhiệm vụ: <code>/huyviec MÃ lý do</code>, ví dụ <code>/huyviec TT01 đã lồng ghép vào CT01</code>
assign-cancel-reason-missing = Xin gõ lý do hủy sau mã nhiệm vụ, ví dụ <code>/huyviec { $task } đã lồng ghép vào nhiệm vụ khác</code>
assign-step-kind = <b>Giao nhiệm vụ mới.</b> Chọn loại nhiệm vụ:
assign-step-title = Loại: { $kind }. Xin gõ <b>nội dung nhiệm vụ</b> (tên nhiệm vụ):
assign-step-lead = Nội dung: { $title }. Chọn <b>cơ quan chủ trì</b> (hoặc gõ mã cơ quan):
assign-step-partners = Chủ trì: <b>{ $lead }</b>. Chọn các <b>cơ quan phối hợp</b> (bấm để chọn / bỏ; hoặc gõ danh sách mã), xong bấm «Xong». Đang chọn: { $partners }
assign-step-due = Xin gõ <b>thời hạn</b>: một ngày như 30/9 hoặc 30/09/2019, hoặc "thường xuyên".
assign-step-targets = Xin gõ <b>chỉ tiêu</b> (ví dụ <code>20 hội nghị, 5.000 lượt người</code>), hoặc bấm «Không có chỉ tiêu».
assign-step-again = Xin gõ lại.
assign-step-quit = Đã dừng giao nhiệm vụ; không có gì thay đổi.
assign-button-quit = ✖ Dừng
assign-button-done = Xong ▶
assign-button-no-targets = Không có chỉ tiêu
assign-help = Giao nhiệm vụ: <code>/giao</code> (từng bước) hoặc <code>/giao trongtam "Nội dung" chủ trì HND; phối hợp TD; hạn 30/9; chỉ tiêu 20 hội nghị</code>. Sửa: <code>/suaviec MÃ hạn 15/10</code>. Hủy: <code>/huyviec MÃ lý do</code>.

op-task_not_allowed = Chỉ Trưởng ban, Phó trưởng ban và Tổ giúp việc mới giao, sửa hay hủy nhiệm vụ được.
op-task_empty = Chưa có nội dung nhiệm vụ.
op-task_no_kind = «{ $text }» không phải loại nhiệm vụ; hãy bắt đầu bằng chung, dangky hoặc trongtam.
op-task_unclosed_quote = Thiếu dấu ngoặc kép đóng ở «{ $text }».
op-task_unknown_part = Không hiểu phần «{ $text }»; các mục là: chủ trì, phối hợp, hạn, chỉ tiêu (cách nhau bằng dấu chấm phẩy).
op-task_repeated_part = Mục «{ $text }» được gõ hai lần.
op-task_no_title = Chưa có nội dung (tên) nhiệm vụ; hãy gõ nó trong ngoặc kép, ví dụ "Tổ chức hội nghị sơ kết".
op-task_title_too_long = Nội dung nhiệm vụ dài quá { $limit } ký tự; xin viết gọn hơn.
op-task_one_lead = Mỗi nhiệm vụ có đúng một cơ quan chủ trì; «{ $text }» không phải một mã cơ quan.
op-task_no_lead = Chưa có cơ quan chủ trì; hãy thêm <code>chủ trì MÃ_CƠ_QUAN</code>.
op-task_target_unknown_unit = Đơn vị «{ $unit }» không thuộc chỉ tiêu nào của chương trình; hãy dùng một trong: { $units }.
op-task_target_which = Số «{ $number }» chưa có đơn vị; hãy gõ đơn vị sau số hoặc mã chỉ tiêu trước số, chọn trong: { $choices }.
op-task_target_repeated = Chỉ tiêu { $indicator } được gõ hai lần.
op-task_target_unreadable = Không đọc được chỉ tiêu «{ $text }»; hãy gõ số dương kèm đơn vị, ví dụ 20 hội nghị, 5.000 lượt người.
op-task_unknown_indicator = Không có chỉ tiêu mã «{ $indicator }» trong chương trình.
op-task_due_past = Thời hạn { $due } đã qua; hãy chọn một ngày từ hôm nay trở đi.
op-task_due_after_end = Thời hạn { $due } sau ngày kết thúc chương trình ({ $end }).
op-task_bad_code = Mã nhiệm vụ «{ $text }» không hợp lệ; chỉ dùng chữ, số và . _ -
op-task_code_taken = Mã { $task } đã có trong chương trình; hãy chọn mã khác hoặc để bot tự đặt mã.
op-task_nothing_to_change = Không có gì thay đổi ở nhiệm vụ { $task }.
op-task_changed_meanwhile = Nhiệm vụ { $task } vừa được người khác thay đổi; xin gửi lại lệnh.
op-task_draft_cancelled = Việc này đã được bỏ; xin gửi lại lệnh.
op-task_draft_confirmed = Việc này đã được ghi nhận rồi.
op-task_counted_in = Không hủy được { $task }: các nhiệm vụ { $tasks } được tính vào nó; hãy sửa hoặc hủy các nhiệm vụ đó trước.
