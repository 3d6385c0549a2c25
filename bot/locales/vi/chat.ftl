# phoihop: văn bản trò chuyện (tiếng Việt). Mỗi khóa phải có trong en/chat.ftl.
# Tin nhắn dùng HTML của Telegram: <b>, <i>, <code>; dữ liệu người dùng đã được thoát ký tự.

## Vai trò và lệnh

role-officer = cán bộ đầu mối
role-chair = Trưởng ban
role-vice_chair = Phó Trưởng ban
role-secretary = Tổ giúp việc
command-viec = Việc của cơ quan tôi
command-baocao = Báo cáo tiến độ, số liệu
command-xong = Báo hoàn thành nhiệm vụ
command-sua = Sửa báo cáo gần nhất
command-giahan = Đề nghị gia hạn
command-khokhan = Nêu khó khăn, đề xuất
command-ngonngu = Đổi ngôn ngữ
command-trogiup = Hướng dẫn

## Tham gia

chat-join-how =
    Chào bạn! Bot này giúp các cơ quan thành viên Ban Chỉ đạo báo cáo tiến độ thực hiện chương trình phối hợp.
    Bạn chưa được gắn với cơ quan nào. Hãy xin Tổ giúp việc một đường dẫn mời (hoặc mã mời), rồi mở đường dẫn đó hay gửi <code>/start MÃ_MỜI</code> cho bot.
chat-not-member-short = Bạn chưa được gắn với cơ quan nào. Hãy xin Tổ giúp việc đường dẫn mời.
chat-joined = ✅ Bạn đã tham gia thành công.
chat-welcome-back = Chào mừng bạn trở lại!
chat-you-are = Bạn là <b>{ $role }</b> của <b>{ $org }</b> ({ $org_name }), chương trình <b>{ $program }</b>.
chat-help-officer =
    Bạn có thể:
    • /viec: xem các nhiệm vụ cơ quan chủ trì hoặc phối hợp
    • /baocao: báo cáo bằng nút bấm, hoặc gõ một dòng, ví dụ <code>R09: đã xây dựng 14/20 tổ tự quản</code> hay <code>CT01 22 hội nghị, 6.150 lượt người</code>
    • /xong MÃ [ngày]: báo hoàn thành nhiệm vụ cơ quan chủ trì, ví dụ <code>/xong R19 12/6</code>
    • /sua MÃ: sửa báo cáo gần nhất của bạn về nhiệm vụ
    • gửi ảnh hoặc tệp kèm chú thích bắt đầu bằng mã nhiệm vụ để làm minh chứng
    • /giahan MÃ NGÀY lý do: đề nghị gia hạn, ví dụ <code>/giahan R09 30/6 chờ kinh phí</code>
    • /khokhan: nêu khó khăn, đề xuất
    • /nhacnho: tạm dừng hoặc tắt các lời nhắc không gấp
    • /ngonngu: đổi sang tiếng Anh (English)
chat-help-leading = Là lãnh đạo Ban Chỉ đạo hoặc Tổ giúp việc, bạn nhận và quyết định các đề nghị gia hạn, và có thể báo cáo thay cho cơ quan chủ trì (thêm mã cơ quan sau mã nhiệm vụ, ví dụ <code>CT01 HND 22 hội nghị</code>). Gửi /nhom trong nhóm của Ban Chỉ đạo để bot đưa thông báo hoàn thành và bản tin hằng tuần vào nhóm đó.
chat-help-inviter = Mời người tham gia: <code>/moi MÃ_CƠ_QUAN [officer|chair|vice_chair|secretary]</code>.
chat-help-group = Trong nhóm, bot chỉ đưa các số liệu chung. Để báo cáo hay xem việc của cơ quan, hãy nhắn riêng cho bot.
chat-private-only = Để giữ riêng thông tin của từng cơ quan, việc này chỉ làm trong tin nhắn riêng với bot.
chat-open-private = Nhắn riêng cho bot
chat-unknown-command = Bot chưa hiểu lệnh này. Gửi /trogiup để xem các lệnh.
chat-invite-not-allowed = Chỉ Trưởng ban hoặc Tổ giúp việc mới tạo được lời mời.
chat-invite-usage = Cách dùng: <code>/moi MÃ_CƠ_QUAN [vai trò]</code>, vai trò là một trong: { $roles } (mặc định officer). Ví dụ <code>/moi HND</code>.
chat-invite-made =
    Lời mời cho <b>{ $role }</b> của <b>{ $org }</b> ({ $org_name }), dùng một lần, hết hạn ngày { $expires }:
    { $link }
    Mã mời: <code>{ $code }</code>
chat-language-choose = Chọn ngôn ngữ / Choose your language:
chat-language-set = Đã chuyển sang tiếng Việt.

## Danh sách việc

chat-tasks-title = 📋 <b>Nhiệm vụ của { $org }</b> ({ $count })
chat-tasks-none = Cơ quan chưa chủ trì hay phối hợp nhiệm vụ nào.
chat-tasks-counts = Quá hạn: { $overdue } · đang thực hiện: { $in_progress } · đã hoàn thành: { $done }
chat-task-line = • <b>{ $task }</b> { $title } ({ $role }), { $when }
chat-task-figures = ; { $figures }
chat-figure-not-reported = chưa báo số { $unit } (chỉ tiêu { $target })
chat-task-lead = chủ trì
chat-task-partner = phối hợp
chat-task-due = hạn { $due }
chat-task-overdue = hạn { $due }, quá { $days } ngày
chat-task-done = xong ngày { $date }
chat-page = Trang { $page }/{ $pages }
chat-page-previous = ◀ Trước
chat-page-next = Sau ▶

## Báo cáo

chat-report-choose-task = Chọn nhiệm vụ muốn báo cáo (hoặc gõ một dòng, ví dụ <code>R09 14 mô hình</code>):
chat-report-nothing-open = Cơ quan không còn nhiệm vụ nào đang mở.
chat-report-what =
    <b>{ $task }</b> { $title }
    { $line }
    Báo cáo gì?
chat-report-type-number = Gõ số <b>{ $unit }</b> ({ $indicator }) của nhiệm vụ { $task }, ví dụ <code>14</code>, <code>gần 45.000</code> hoặc <code>7 tỷ</code>:
chat-report-type-line = Gõ lại báo cáo về { $task }, ví dụ <code>22 hội nghị, 6.150 lượt người</code>:
chat-report-type-note = Gõ nội dung ghi chú cho nhiệm vụ { $task }:
chat-readback-title = Xin xác nhận báo cáo:
chat-readback-correction = Xin xác nhận sửa báo cáo:
chat-readback-task = Nhiệm vụ: <b>{ $task }</b> { $title }
chat-readback-org = Cơ quan: <b>{ $org }</b>
chat-readback-value = • { $indicator }: { $value }
chat-readback-done = • Hoàn thành ngày { $date }
chat-readback-note = • Ghi chú: { $note }
chat-readback-date = Ngày báo cáo: { $date }
chat-button-confirm = ✅ Xác nhận
chat-button-edit = ✏️ Sửa
chat-button-cancel = ✖ Hủy
chat-button-done = ✅ Đã hoàn thành
chat-button-note = 📝 Ghi chú
chat-button-other-indicator = ✍️ Gõ báo cáo
chat-button-correct = ✏️ Sửa báo cáo này
chat-draft-cancelled = Đã hủy, không ghi nhận gì.
chat-draft-already = Báo cáo này đã được ghi nhận rồi.
chat-recorded-short = Đã ghi nhận.
chat-recorded = ✅ <b>Đã ghi nhận</b>
chat-recorded-status = Nhiệm vụ { $task }: <b>{ $status }</b> (hạn { $deadline }).
chat-recorded-count = { $org } đã hoàn thành { $done }/{ $total } nhiệm vụ đăng ký chủ trì.
chat-done-usage = Cách dùng: <code>/xong MÃ_NHIỆM_VỤ [ngày hoàn thành]</code>, ví dụ <code>/xong R19</code> hoặc <code>/xong R19 12/6</code>.
chat-too-long = Tin nhắn quá dài (quá { $limit } ký tự). Hãy gửi báo cáo ngắn gọn, mỗi nhiệm vụ một dòng.
chat-correct-usage = Cách dùng: <code>/sua MÃ_NHIỆM_VỤ</code>, hoặc gõ luôn số đúng, ví dụ <code>/sua R09 15 mô hình</code>.
chat-correct-nothing = Bạn chưa báo cáo gì về nhiệm vụ { $task } để sửa.
chat-correct-no-figures = không có số liệu
chat-correct-prompt = Báo cáo gần nhất của bạn về { $task } (ngày { $date }): { $figures }. Gõ số liệu đúng, ví dụ <code>15 mô hình</code>:
chat-evidence-how = Để gửi minh chứng, hãy gửi ảnh hoặc tệp kèm chú thích bắt đầu bằng mã nhiệm vụ, ví dụ <code>R09 biên bản ra mắt tổ tự quản</code>.
chat-evidence-kept = 📎 Đã lưu minh chứng vào báo cáo của { $org } về nhiệm vụ { $task }.

## Gia hạn, khó khăn

chat-extend-usage = Cách dùng: <code>/giahan MÃ_NHIỆM_VỤ HẠN_MỚI lý do</code>, ví dụ <code>/giahan R09 30/6 chờ kinh phí</code>.
chat-extend-reason-missing = Xin ghi rõ lý do đề nghị gia hạn, ví dụ <code>/giahan R09 30/6 chờ kinh phí</code>.
chat-extend-not-lead = Chỉ cơ quan chủ trì mới đề nghị gia hạn được nhiệm vụ { $task }; { $org } là cơ quan phối hợp.
chat-extend-readback =
    Xin xác nhận đề nghị gia hạn:
    Nhiệm vụ: <b>{ $task }</b> { $title }
    Hạn hiện tại: { $due } → hạn mới: <b>{ $new_due }</b>
    Lý do: { $reason }
chat-extend-sent = 📨 Đã gửi đề nghị gia hạn { $task } đến { $new_due } tới Trưởng ban và Tổ giúp việc. Bạn sẽ được báo kết quả.
chat-extend-ask =
    📨 <b>Đề nghị gia hạn</b> của { $name } ({ $org }):
    Nhiệm vụ: <b>{ $task }</b> { $title }
    Hạn gốc: { $original }; hạn hiện tại: { $due } → đề nghị: <b>{ $new_due }</b>
    Lý do: { $reason }
chat-button-approve = ✅ Đồng ý
chat-button-reject = ✖ Không đồng ý
chat-extend-not-allowed = Chỉ Trưởng ban, Phó Trưởng ban hoặc Tổ giúp việc của chương trình mới quyết định được việc gia hạn.
chat-extend-approved-by-you = ✅ Đã đồng ý gia hạn { $task } đến { $new_due }.
chat-extend-rejected-by-you = ✖ Đã không đồng ý gia hạn { $task } đến { $new_due }.
chat-extend-approved = ✅ Đề nghị gia hạn { $task } đến { $new_due } đã được đồng ý. Hạn gốc { $original } vẫn được ghi để đánh giá đúng hạn.
chat-extend-rejected = ✖ Đề nghị gia hạn { $task } đến { $new_due } không được đồng ý; hạn vẫn là { $original }.
chat-difficulty-prompt = Gõ khó khăn, vướng mắc hoặc đề xuất của cơ quan:
chat-difficulty-kept = 📝 Đã ghi nhận khó khăn, đề xuất của { $org } để đưa vào báo cáo sơ kết, tổng kết.
chat-error-internal = Xin lỗi, bot gặp sự cố khi xử lý tin nhắn này; chưa có gì được ghi nhận. Xin thử lại sau ít phút.

## Lỗi thao tác trong trò chuyện

op-invite_unknown = Mã mời không đúng. Hãy kiểm tra lại đường dẫn hoặc xin Tổ giúp việc mã mới.
op-invite_used = Mã mời này đã được dùng. Mỗi mã chỉ dùng một lần; hãy xin Tổ giúp việc mã mới.
op-invite_expired = Mã mời đã hết hạn (mã có giá trị 7 ngày). Hãy xin Tổ giúp việc mã mới.
op-unknown_role = Không có vai trò «{ $role }»; hãy chọn một trong: { $roles }.
op-unknown_language = Không có ngôn ngữ «{ $language }»; hãy chọn vi hoặc en.
op-stale_button = Nút này không còn dùng được. Hãy làm lại từ đầu (ví dụ gửi /baocao).
op-not_your_draft = Nút này thuộc về người khác.
op-draft_cancelled = Báo cáo này đã bị hủy; hãy gửi lại báo cáo.
op-draft_already_recorded = Báo cáo này đã được ghi nhận; muốn sửa hãy dùng /sua.
op-not_your_report = Bạn chỉ sửa được báo cáo của chính mình về nhiệm vụ { $task }.
op-difficulty_empty = Xin gõ nội dung khó khăn, đề xuất sau lệnh, ví dụ <code>/khokhan thiếu kinh phí tổ chức hội nghị</code>.

## Tình hình trong trò chuyện

command-tinhhinh = Tình hình thực hiện
command-quahan = Nhiệm vụ quá hạn
chat-status-attention = Quá hạn: { $overdue } nhiệm vụ · đến hạn trong 30 ngày tới: { $upcoming } nhiệm vụ. Bấm nút để xem chi tiết.
chat-status-button-overdue = ⏰ Quá hạn
chat-status-button-upcoming = 📅 Sắp đến hạn
chat-status-button-indicators = 📈 Chỉ tiêu
chat-status-button-orgs = 🏢 Theo cơ quan
chat-status-usage = Cách dùng: /tinhhinh, hoặc kèm một kỳ (/tinhhinh 6T-2019), một cơ quan (/tinhhinh HND) hay một ngày (/tinhhinh 31/3).
chat-status-own-org-only = Bạn xem được tình hình của cơ quan mình ({ $org }) và số liệu chung của chương trình.
chat-status-not-allowed = Chi tiết này dành cho lãnh đạo Ban Chỉ đạo và Tổ giúp việc, trong tin nhắn riêng.
chat-status-overdue-count = Chương trình có { $count } nhiệm vụ quá hạn chưa hoàn thành. Chi tiết xin xem trong tin nhắn riêng với bot.
command-xuat = Xuất bảng tình hình, dự thảo báo cáo, biểu đồ
chat-export-not-allowed = Tài liệu tổng hợp của cả chương trình dành cho lãnh đạo Ban Chỉ đạo và Tổ giúp việc, trong tin nhắn riêng. Xem phần việc của cơ quan mình bằng /tinhhinh.
chat-export-usage = Cách dùng: /xuat, hoặc chỉ một loại (/xuat xlsx, /xuat docx, /xuat png), kèm một ngày (/xuat 31/3) hay một kỳ (/xuat docx 6T-2019).
chat-export-status = Bảng tình hình thực hiện, tính đến ngày { $date }
chat-export-review = Dự thảo báo cáo sơ kết/tổng kết, tính đến ngày { $date }
chat-export-chart = Biểu đồ tình hình theo cơ quan, tính đến ngày { $date }
