# phoihop: kế hoạch qua chat (tiếng Việt). Mọi khóa phải có cả trong en/plan.ftl.
# Dùng HTML của Telegram: <b>, <i>, <code>; dữ liệu người dùng đã được thoát trước khi đưa vào.

## Gửi tệp kế hoạch

plan-refused-stranger = Chỉ Trưởng ban, Phó trưởng ban hoặc Tổ giúp việc của một chương trình mới gửi được kế hoạch. Bạn chưa được gắn với chương trình nào: hãy xin Tổ giúp việc đường dẫn mời.
plan-refused-officer =
    Cảm ơn bạn! Chỉ Trưởng ban, Phó trưởng ban hoặc Tổ giúp việc mới thay đổi được kế hoạch, nên tệp này chưa được dùng.
    Nếu đây là minh chứng cho một nhiệm vụ, hãy gửi lại tệp kèm chú thích bắt đầu bằng mã nhiệm vụ, ví dụ <code>R09</code>.
plan-too-big = Tệp <b>{ $name }</b> quá lớn ({ $size } MB); kế hoạch gửi qua chat tối đa { $limit } MB. Với kế hoạch lớn, hãy nhờ người quản trị dùng lệnh <code>phoihop import</code>.
plan-download-failed = Không tải được tệp <b>{ $name }</b> từ Telegram. Xin gửi lại sau ít phút.
plan-broken = ❌ Không dùng được tệp <b>{ $name }</b>: { $count } lỗi. Kế hoạch chưa thay đổi gì; hãy sửa rồi gửi lại tệp.
plan-more-issues = … và { $count } lỗi khác.
plan-more = và { $count } mục khác

## Xem trước

plan-unchanged = Kế hoạch trong tệp giống hệt kế hoạch hiện có của chương trình <b>{ $program }</b>: không có gì để thay đổi.
plan-preview-new =
    📋 Tệp này tạo <b>chương trình mới { $program }</b>: { $title }
    Gồm { $orgs } cơ quan, { $indicators } chỉ tiêu, { $periods } kỳ báo cáo, { $tasks } nhiệm vụ.
    Bạn sẽ là Tổ giúp việc của chương trình, thay mặt { $org }.
plan-preview-update = 📋 Thay đổi kế hoạch chương trình <b>{ $program }</b> ({ $title }):
plan-program-changed = • Thông tin chương trình hoặc Ban Chỉ đạo thay đổi
plan-tasks-added = • Nhiệm vụ mới ({ $count }): { $codes }
plan-tasks-changed = • Nhiệm vụ sửa ({ $count }): { $codes }
plan-tasks-removed = • Nhiệm vụ bỏ ({ $count }): { $codes }
plan-organizations-added = • Cơ quan mới ({ $count }): { $codes }
plan-organizations-changed = • Cơ quan sửa ({ $count }): { $codes }
plan-organizations-removed = • Cơ quan bỏ ({ $count }): { $codes }
plan-indicators-added = • Chỉ tiêu mới ({ $count }): { $codes }
plan-indicators-changed = • Chỉ tiêu sửa ({ $count }): { $codes }
plan-indicators-removed = • Chỉ tiêu bỏ ({ $count }): { $codes }
plan-periods-added = • Kỳ báo cáo mới ({ $count }): { $codes }
plan-periods-changed = • Kỳ báo cáo sửa ({ $count }): { $codes }
plan-periods-removed = • Kỳ báo cáo bỏ ({ $count }): { $codes }
plan-removed-kept = Nhiệm vụ bỏ được ẩn khỏi kế hoạch; các báo cáo đã có vẫn được giữ nguyên.
plan-affected = Cơ quan có nhiệm vụ thay đổi ({ $count }): { $orgs }. { $officers } cán bộ đầu mối của các cơ quan này sẽ nhận tin báo.
plan-confirm-hint = Bấm <b>Áp dụng</b> để thay đổi toàn bộ một lần (lỗi thì không thay đổi gì), hoặc <b>Hủy</b>.
plan-button-apply = ✅ Áp dụng
plan-button-cancel = ✖️ Hủy

## Áp dụng

plan-applied-short = Đã áp dụng kế hoạch.
plan-applied = ✅ Đã áp dụng kế hoạch chương trình <b>{ $program }</b>: { $added } nhiệm vụ mới, { $changed } nhiệm vụ sửa, { $removed } nhiệm vụ bỏ. Mọi báo cáo vẫn được giữ. Đã báo tin cho { $told } cán bộ đầu mối.
plan-created = ✅ Đã tạo chương trình <b>{ $program }</b> với { $tasks } nhiệm vụ. Bạn là Tổ giúp việc của chương trình, thay mặt { $org }; hãy dùng /moi để mời các cơ quan.
plan-already-applied = Kế hoạch này đã được áp dụng rồi.
plan-cancelled = Đã hủy: kế hoạch không thay đổi gì.
plan-notice = 📋 Kế hoạch chương trình <b>{ $program }</b> vừa được cập nhật. Với { $org }:
plan-notice-added = • nhiệm vụ mới: { $codes }
plan-notice-changed = • nhiệm vụ có thay đổi: { $codes }
plan-notice-removed = • nhiệm vụ được bỏ: { $codes }
plan-notice-end = Gửi /viec để xem các nhiệm vụ của cơ quan.

## /kehoach

plan-export-caption = Kế hoạch chương trình { $program }. Sửa tệp này rồi gửi lại cho bot để cập nhật kế hoạch.
plan-help = Gửi /kehoach để nhận kế hoạch dạng bảng tính; sửa rồi gửi lại tệp (.xlsx hoặc .yaml) để xem trước và áp dụng thay đổi.

## Từ chối

op-plan_not_allowed = Chỉ Trưởng ban, Phó trưởng ban hoặc Tổ giúp việc của chương trình { $program } mới thay đổi được kế hoạch của chương trình đó.
op-plan_create_not_allowed = Chưa có chương trình { $program }. Chỉ người đang là Trưởng ban, Phó trưởng ban hoặc Tổ giúp việc của một chương trình mới tạo được chương trình mới.
op-plan_no_standing_org = Để tạo chương trình mới { $program }, kế hoạch cần ghi cơ quan thường trực (Ban Chỉ đạo, standing_org): người gửi sẽ là Tổ giúp việc thay mặt cơ quan đó.
op-plan_stale = Kế hoạch chương trình { $program } đã thay đổi sau khi bạn xem trước. Hãy gửi lại tệp kế hoạch để xem lại thay đổi.
op-plan_cancelled = Bản xem trước kế hoạch này đã bị hủy; hãy gửi lại tệp nếu muốn áp dụng.
op-plan_already_applied = Kế hoạch chương trình { $program } đã được áp dụng nên không hủy được. Muốn đổi lại, hãy gửi tệp kế hoạch mới.
