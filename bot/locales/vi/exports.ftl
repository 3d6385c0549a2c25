# phoihop: bảng tính tình hình thực hiện và biểu đồ (tiếng Việt). Mỗi khóa phải có trong en/exports.ftl.

## Bảng tính (.xlsx)

xlsx-sheet-summary = Tổng hợp
xlsx-sheet-tasks = Danh mục nhiệm vụ
xlsx-sheet-indicators = Chỉ tiêu theo cơ quan
xlsx-title = TÌNH HÌNH THỰC HIỆN { $program }
xlsx-as-of = Tính đến ngày { $date }
xlsx-org-view = Phần việc của { $org } ({ $name })
xlsx-org-sheet-title = Nhiệm vụ của { $org } ({ $name }), tính đến ngày { $date }
xlsx-headline = Hoàn thành { $parts }.
xlsx-kinds-title = Kết quả theo loại nhiệm vụ
xlsx-orgs-title = Theo cơ quan chủ trì (nhiệm vụ đăng ký chủ trì)
xlsx-overdue-title = Nhiệm vụ quá hạn chưa hoàn thành ({ $count })
xlsx-overdue-none = Không có nhiệm vụ quá hạn.
xlsx-overdue-more = … và { $count } nhiệm vụ quá hạn khác: xem trang «{ $sheet }».
xlsx-totals-title = Tổng hợp kết quả toàn chương trình
xlsx-totals-none = Chưa có số liệu.
xlsx-due-rate = { $done }/{ $due } ({ $percent }%)
xlsx-due-rate-none = chưa có nhiệm vụ đến hạn
xlsx-col-kind = Loại nhiệm vụ
xlsx-col-done-of-total = Hoàn thành/tổng số
xlsx-col-total = Tổng số
xlsx-col-on-time = Hoàn thành đúng hạn
xlsx-col-late = Hoàn thành quá hạn
xlsx-col-in-progress = Đang thực hiện trong hạn
xlsx-col-overdue = Quá hạn chưa hoàn thành
xlsx-col-due-rate = Tỷ lệ trên số đã đến hạn
xlsx-col-org = Cơ quan
xlsx-col-org-name = Tên cơ quan
xlsx-col-registered = Đăng ký chủ trì: hoàn thành/tổng số
xlsx-col-overdue-count = Số nhiệm vụ chủ trì quá hạn
xlsx-col-overdue-tasks = Nhiệm vụ quá hạn
xlsx-col-contributions = Số nhiệm vụ chung có góp số liệu
xlsx-col-days-late = Số ngày quá hạn
xlsx-col-indicator = Chỉ tiêu
xlsx-col-unit = Đơn vị tính
xlsx-col-value = Kết quả
xlsx-col-number = STT
xlsx-col-code = Mã
xlsx-col-title = Nội dung nhiệm vụ
xlsx-col-lead = Chủ trì
xlsx-col-partners = Phối hợp
xlsx-col-deadline = Thời hạn
xlsx-col-extended = Gia hạn đến
xlsx-col-status = Tình trạng
xlsx-col-done-on = Ngày hoàn thành
xlsx-col-targets = Chỉ tiêu giao
xlsx-col-results = Kết quả
xlsx-col-role = Vai trò
xlsx-col-own-results = Số liệu của cơ quan
xlsx-col-task = Mã nhiệm vụ
xlsx-col-target = Chỉ tiêu giao
xlsx-col-total-value = Tổng kết quả
xlsx-col-qualifier = Ghi chú
xlsx-role-lead = Chủ trì
xlsx-role-partner = Phối hợp
xlsx-partners-all = Tất cả cơ quan thành viên
xlsx-ongoing = Thường xuyên
xlsx-counts-toward = (tính vào { $task })
xlsx-value-separator = { "; " }

## Biểu đồ (.png)

chart-title = { $program }: nhiệm vụ đăng ký chủ trì theo cơ quan
chart-as-of = Tính đến ngày { $date }
chart-axis = Số nhiệm vụ đăng ký chủ trì
chart-cut = { $shown }/{ $total } cơ quan có nhiều nhiệm vụ nhất
chart-empty = Chưa có nhiệm vụ nào.
