# phoihop: văn bản tiếng Việt (ngôn ngữ mặc định). Mỗi khóa phải có trong en/phoihop.ftl.

## Loại nhiệm vụ và trạng thái

kind-common = Nhiệm vụ chung
kind-registered = Nhiệm vụ đăng ký chủ trì
kind-focus = Nhiệm vụ trọng tâm
status-done_on_time = hoàn thành đúng hạn
status-done_late = hoàn thành quá hạn
status-in_progress = đang thực hiện trong hạn
status-overdue = quá hạn chưa hoàn thành

## Số có kèm từ định lượng

qualifier-approx = gần { $value }
qualifier-over = trên { $value }
qualifier-more_than = hơn { $value }
value-with-unit = { $value } { $unit }
value-with-target = { $value } (chỉ tiêu { $target })

## Tình hình thực hiện

status-title = 📊 TÌNH HÌNH THỰC HIỆN { $program }
status-as-of = Tính đến ngày { $date }
status-org-view = Phần việc của { $org } ({ $name })
status-headline = Hoàn thành { $parts }.
status-headline-empty = Chương trình chưa có nhiệm vụ nào.
headline-part-common = { $done }/{ $total } nhiệm vụ chung
headline-part-registered = { $done }/{ $total } nhiệm vụ đăng ký chủ trì
headline-part-focus = { $done }/{ $total } nhiệm vụ trọng tâm
status-kind-title = { $kind }: hoàn thành { $done }/{ $total }
status-count-on-time = • hoàn thành đúng hạn: { $count }
status-count-late = • hoàn thành quá hạn: { $count }{ $codes }
status-count-in-progress = • đang thực hiện trong hạn: { $count }
status-count-overdue = • quá hạn chưa hoàn thành: { $count }{ $codes }
status-due-rate = • tỷ lệ hoàn thành trên số nhiệm vụ đã đến hạn: { $done }/{ $due } ({ $percent }%)
status-due-rate-none = • chưa có nhiệm vụ nào đến hạn
status-orgs-title = Theo cơ quan chủ trì (nhiệm vụ đăng ký chủ trì hoàn thành/tổng số):
status-org-line = • { $org }: { $done }/{ $total }{ $extra }
status-org-overdue = quá hạn: { $codes }
status-and-more = và { $count } nhiệm vụ khác
status-org-contributions = góp số liệu { $count } nhiệm vụ chung
status-overdue-title = Quá hạn chưa hoàn thành ({ $count }):
status-overdue-line = • { $task } ({ $lead }), hạn { $due }, quá { $days } ngày{ $extended }: { $title }
status-extended = , đã gia hạn đến { $date }
status-overdue-none = Không có nhiệm vụ quá hạn.
status-upcoming-title = Đến hạn trong { $days } ngày tới ({ $count }):
status-upcoming-line = • { $task } ({ $lead }), hạn { $due }, còn { $left } ngày: { $title }
status-upcoming-none = Không có nhiệm vụ đến hạn trong { $days } ngày tới.
status-totals-title = Kết quả theo nhiệm vụ:
status-totals-line = • { $task } { $title }: { $values }
status-totals-toward = (tính vào { $task }, không cộng lặp)
status-totals-part = { "   " }– { $org }: { $values }
status-totals-none = Chưa có số liệu nào được báo cáo.
status-program-totals-title = Cộng toàn chương trình (không cộng lặp nhiệm vụ tính vào nhiệm vụ khác):
status-program-totals-line = • { $value }
status-more = … và { $count } mục nữa (xem đầy đủ với --json).
list-separator = { ", " }

## Dòng lệnh

cli-description = phoihop: theo dõi nhiệm vụ của chương trình phối hợp.
cli-db-upgraded = Cơ sở dữ liệu đã ở phiên bản mới nhất ({ $revision }).
cli-db-outdated = Cơ sở dữ liệu chưa ở phiên bản mới nhất. Hãy chạy trước: phoihop db upgrade
cli-db-unreachable = Không mở được cơ sở dữ liệu { $url }: { $detail }
cli-import-created = Đã tạo chương trình { $program }: { $orgs } cơ quan, { $indicators } chỉ tiêu, { $periods } kỳ báo cáo, { $tasks } nhiệm vụ.
cli-import-updated = Đã cập nhật chương trình { $program }: nhiệm vụ thêm { $added }, sửa { $changed }, bỏ { $removed }; cơ quan thêm { $orgs_added }, sửa { $orgs_changed }, bỏ { $orgs_removed }. Mọi báo cáo đã ghi được giữ nguyên.
cli-import-unchanged = Kế hoạch { $program } không có gì thay đổi.
cli-exported = Đã xuất kế hoạch { $program } ra tệp { $path }.
cli-export-format = Không xuất được ra { $path }: tệp phải là .xlsx (kế hoạch, hoặc --kind status cho bảng tình hình), .docx (dự thảo báo cáo) hoặc .png (biểu đồ).
cli-replayed = { $program }: đã ghi { $recorded } báo cáo mới, { $duplicates } báo cáo đã có từ trước; { $people } người.
cli-document-error = Không dùng được { $path }: { $count } lỗi. Chưa có gì thay đổi.
cli-issue-line = • { $where }: { $message }
cli-error = Lỗi: { $message }
cli-demo-intro = Bản trình diễn phoihop: cơ sở dữ liệu SQLite mới ({ $path }), kế hoạch mẫu và nhật ký báo cáo mẫu, tình hình tính đến ngày { $date }.
cli-bad-option = Giá trị không hợp lệ cho { $option }: { $message }

## Vị trí lỗi trong tệp

where-section-yaml = mục «{ $section }»
where-section-sheet = trang «{ $section }»
where-row-yaml = phần tử thứ { $row }
where-row-sheet = dòng { $row }
where-row-file = dòng { $row }
where-key = ({ $key })
where-field-yaml = trường «{ $field }»
where-field-sheet = cột «{ $field }»
where-file = tệp

## Lỗi (mã lỗi của tầng lưu trữ và của bộ đọc số, ngày)

error-missing = thiếu giá trị bắt buộc.
error-unknown_field = trường này không có trong mẫu kế hoạch; hãy kiểm tra chính tả.
error-bad_date = «{ $value }» không phải là ngày hợp lệ; hãy viết ngày theo dạng dd/mm/yyyy (trong YAML: yyyy-mm-dd).
error-bad_number = «{ $value }» không phải là số; hãy viết số như 45.000 hoặc 2,8.
error-bad_bool = «{ $value }» phải là true hoặc false.
error-bad_choice = «{ $value }» không phải là giá trị được phép ({ $choices }).
error-bad_text = phải là một đoạn chữ.
error-bad_list = phải là một danh sách.
error-bad_mapping = phải là một bảng khóa: giá trị.
error-bad_partners = «{ $value }» không dùng được: phần phối hợp là danh sách mã cơ quan, hoặc all (trong Excel: «tất cả»).
error-invalid = giá trị không hợp lệ: { $detail }
error-bad_code = mã «{ $value }» không hợp lệ; mã chỉ gồm chữ không dấu, chữ số và các dấu - _ . /
error-file_not_found = không tìm thấy tệp { $path }.
error-file_unreadable = không đọc được tệp { $path }: { $detail }
error-yaml_syntax = tệp YAML sai cú pháp: { $detail }
error-unknown_format = không nhận dạng được loại tệp { $path }; hãy dùng tệp .yaml hoặc .xlsx.
error-duplicate_code = mã «{ $value }» bị trùng (đã có ở vị trí { $first_row }).
error-end_before_start = ngày kết thúc { $end } trước ngày bắt đầu { $start }.
error-bad_timezone = múi giờ «{ $value }» không tồn tại; ví dụ đúng: Asia/Ho_Chi_Minh.
error-unknown_org = không có cơ quan mã «{ $value }» trong danh sách cơ quan thành viên.
error-partner_is_lead = cơ quan «{ $value }» đã là cơ quan chủ trì, không ghi lại ở phần phối hợp.
error-unknown_indicator = không có chỉ tiêu mã «{ $value }» trong danh sách chỉ tiêu.
error-negative_number = số không được âm: { $value }.
error-unknown_period = không có kỳ báo cáo mã «{ $value }».
error-unknown_task = không có nhiệm vụ mã «{ $value }».
error-counts_toward_chain = «{ $value }» không dùng được ở «Tính vào»: nhiệm vụ chỉ tính vào một nhiệm vụ khác, và nhiệm vụ đó không tính vào nhiệm vụ nào.
error-missing_sheet = thiếu trang «{ $sheet }» trong tệp Excel.
error-missing_column = trang «{ $sheet }» thiếu cột «{ $column }».

## Lỗi khi ghi, đọc dữ liệu

op-unknown_program = Không có chương trình mã «{ $program }». Hãy nhập kế hoạch trước: phoihop import KẾ_HOẠCH.yaml
op-unknown_task = Không có nhiệm vụ mã «{ $task }» trong chương trình.
op-unknown_org = Không có cơ quan mã «{ $org }» trong chương trình.
op-not_member = Bạn chưa được gắn với cơ quan nào trong chương trình { $program }.
op-not_your_org = Bạn chỉ báo cáo được cho cơ quan của mình, không phải { $org }.
op-not_involved = Cơ quan { $org } không chủ trì hay phối hợp nhiệm vụ { $task }.
op-unknown_indicator = Nhiệm vụ { $task }: không có chỉ tiêu mã «{ $indicator }».
op-negative_value = Số liệu của chỉ tiêu { $indicator } không được âm.
op-not_lead = Chỉ cơ quan chủ trì (hoặc Tổ giúp việc) mới báo hoàn thành được nhiệm vụ { $task }; { $org } hãy báo phần việc phối hợp của mình.
op-completion_in_future = Ngày hoàn thành { $date } chưa tới.
op-extension_not_later = Hạn mới phải sau hạn hiện tại của { $task } ({ $due }).
op-unknown_extension = Không có đề nghị gia hạn số { $extension }.
op-extension_decided = Đề nghị gia hạn này đã được xử lý ({ $status }).
op-program_required = Có nhiều chương trình; hãy chỉ rõ chương trình nào (--program MÃ).
op-unreadable_number = «{ $text }» không đọc được thành số; hãy viết như 45.000, 2,8, gần 45.000 hoặc 7 tỷ.
op-unreadable_date = «{ $text }» không đọc được thành ngày; hãy viết như 14/6 hoặc 14/06/2019.
op-no_such_date = Không có ngày «{ $text }»; hãy kiểm tra lại ngày và tháng.
op-unreadable_period = «{ $text }» không đọc được thành kỳ; hãy viết như 6 tháng đầu năm, quý III hoặc năm 2019.
op-negative_number = «{ $text }»: số không được âm.
cli-db-empty = Cơ sở dữ liệu còn trống. Hãy nhập kế hoạch trước: phoihop import KẾ_HOẠCH.yaml
cli-help-database-url = URL cơ sở dữ liệu SQLAlchemy (mặc định: biến DATABASE_URL, hoặc tệp SQLite phoihop.db ở thư mục hiện tại)
cli-help-lang = ngôn ngữ: vi (tiếng Việt) hoặc en (tiếng Anh)
cli-help-db = tạo hoặc nâng cấp lược đồ cơ sở dữ liệu (upgrade), xem phiên bản (current)
cli-help-import = nhập kế hoạch từ tệp .yaml hoặc .xlsx (tạo mới hoặc cập nhật, giữ mọi báo cáo)
cli-help-dry-run = chỉ cho biết những gì sẽ thay đổi, không ghi gì
cli-help-export = xuất kế hoạch của chương trình ra tệp Excel .xlsx
cli-help-replay = ghi lại một nhật ký báo cáo (.yaml) qua đúng các thao tác mà trò chuyện dùng
cli-help-program = mã chương trình (khi cơ sở dữ liệu có nhiều chương trình)
cli-help-status = tình hình thực hiện của chương trình tính đến một ngày
cli-help-as-of = tính đến ngày (dd/mm/yyyy hoặc 14/6; mặc định: hôm nay)
cli-help-org = chỉ xem phần việc của một cơ quan (mã cơ quan)
cli-help-json = in số liệu dạng JSON
cli-help-demo = trình diễn: cơ sở dữ liệu mới, kế hoạch và báo cáo mẫu, tình hình đến 14/06/2019
cli-help-keep = giữ cơ sở dữ liệu trình diễn ở tệp này

## Bot và lời mời

cli-help-invite = tạo lời mời dùng một lần (hết hạn sau 7 ngày) cho một cơ quan và vai trò
cli-help-role = vai trò: officer (cán bộ đầu mối), chair, vice_chair, secretary
cli-help-bot-username = tên bot trên Telegram để in đường dẫn mời (mặc định: biến TELEGRAM_BOT_USERNAME)
cli-help-run = chạy bot Telegram (nhận tin nhắn bằng long polling, hoặc --webhook)
cli-invite-made = Lời mời { $role } của { $org } ({ $org_name }), dùng một lần, hết hạn ngày { $expires }. Mã mời: { $code }
cli-invite-link = Đường dẫn mời: { $link }
cli-invite-no-username = Người được mời gửi cho bot: /start { $code }   (đặt TELEGRAM_BOT_USERNAME hoặc --bot-username để in đường dẫn mời)
cli-run-no-token =
    Chưa có mã bot Telegram. Hãy tạo bot với @BotFather trên Telegram (lệnh /newbot), rồi đặt mã nhận được vào biến môi trường TELEGRAM_BOT_TOKEN (hoặc tệp .env), ví dụ:
        TELEGRAM_BOT_TOKEN=123456:ABC... phoihop run
    Muốn xem thử không cần Telegram: phoihop demo
cli-run-starting = phoihop đang chạy (cơ sở dữ liệu { $url }, Bot API { $api }). Nhấn Ctrl+C để dừng.

## Xuất tài liệu

cli-help-export-kind = loại tài liệu: plan (kế hoạch, .xlsx), status (bảng tình hình, .xlsx), review (dự thảo báo cáo sơ kết/tổng kết, .docx), chart (biểu đồ, .png); mặc định theo đuôi tệp
cli-help-period = kỳ báo cáo của dự thảo báo cáo (mã kỳ, ví dụ 6T-2019)
cli-exported-status = Đã xuất bảng tình hình { $program } tính đến ngày { $date } ra tệp { $path }.
cli-exported-review = Đã xuất dự thảo báo cáo { $program } tính đến ngày { $date } ra tệp { $path }.
cli-exported-chart = Đã xuất biểu đồ tình hình { $program } tính đến ngày { $date } ra tệp { $path }.
