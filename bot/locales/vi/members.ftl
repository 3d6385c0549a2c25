# phoihop: quản lý người tham gia (tiếng Việt). Mỗi khóa phải có trong en/members.ftl.
# Tin nhắn dùng HTML của Telegram; dữ liệu người dùng đã được thoát ký tự.

members-help = Quản lý người tham gia: /thanhvien xem ai là đầu mối của từng cơ quan và cơ quan nào còn thiếu; /thuhoi thu hồi quyền của một người (<code>/thuhoi moi</code>: các lời mời chưa dùng); /chuyen chuyển một người sang cơ quan hoặc vai trò khác, ví dụ <code>/chuyen Nguyễn Văn An HND officer</code>.

## /thanhvien

members-title = 👥 Người tham gia chương trình { $program }
members-summary = { $covered }/{ $total } cơ quan đã có cán bộ đầu mối.
members-org-line = • { $org } { $org_name }:
members-org-empty = • { $org } { $org_name }: chưa có ai
members-person = {"    "}◦ { $name } ({ $role })
members-gaps-title = ⚠️ Chưa có cán bộ đầu mối ({ $count }): { $orgs }
members-gaps-none = ✅ Cơ quan nào cũng đã có cán bộ đầu mối.
members-gaps-hint = Nhấn nút của một cơ quan để tạo ngay lời mời cán bộ đầu mối.
members-button-invite = ✉️ Mời { $org }

## /thuhoi

members-revoke-choose = Chọn người cần thu hồi quyền (trang { $page }/{ $pages }), hoặc gõ <code>/thuhoi TÊN</code>:
members-revoke-readback =
    Thu hồi quyền của <b>{ $name }</b>, { $role } của <b>{ $org }</b> ({ $org_name })?
    Người này sẽ không báo cáo thay cho cơ quan được nữa; các báo cáo đã gửi vẫn được tính.
members-revoked = ✅ Đã thu hồi quyền của <b>{ $name }</b> ({ $role } của { $org }). Đã báo cho người đó.
members-told-revoked = Bạn không còn là { $role } của <b>{ $org }</b> ({ $org_name }) trong chương trình { $program }. Các báo cáo bạn đã gửi vẫn được giữ và tính. Cảm ơn bạn đã đồng hành! Nếu có nhầm lẫn, xin liên hệ Tổ giúp việc.
members-button-pending-invites = 📨 Lời mời chưa dùng
members-invites-title = 📨 Lời mời chưa dùng ({ $count }), nhấn nút để hủy một lời mời:
members-invites-none = Không có lời mời nào đang chờ.
members-invite-line = • { $org } ({ $role }), hết hạn ngày { $expires }
members-button-cancel-invite = ✖ Hủy lời mời { $org } ({ $n })
members-invite-cancelled = ✅ Đã hủy lời mời cho { $role } của <b>{ $org }</b>; đường dẫn của lời mời không dùng được nữa.

## /chuyen

members-move-choose = Chọn người cần chuyển (trang { $page }/{ $pages }), hoặc gõ <code>/chuyen TÊN MÃ_CƠ_QUAN [vai trò]</code>:
members-move-usage = Cách dùng: <code>/chuyen TÊN MÃ_CƠ_QUAN [vai trò]</code>, vai trò là một trong: { $roles } (mặc định giữ vai trò hiện tại). Ví dụ <code>/chuyen Nguyễn Văn An HND officer</code>. Gửi <code>/chuyen</code> không kèm gì để chọn bằng nút.
members-move-org = <b>{ $name }</b> đang là { $role } của <b>{ $org }</b>. Chuyển sang cơ quan nào?
members-move-role = <b>{ $name }</b> sang <b>{ $org }</b> với vai trò nào?
members-move-readback =
    Chuyển <b>{ $name }</b>:
    từ { $before_role } của <b>{ $before_org }</b>
    sang { $after_role } của <b>{ $after_org }</b> ({ $after_org_name })?
    Từ nay người này báo cáo cho cơ quan mới; các báo cáo đã gửi vẫn thuộc cơ quan cũ.
members-moved = ✅ Đã chuyển <b>{ $name }</b> sang { $role } của { $org }. Đã báo cho người đó.
members-told-moved = Từ nay bạn là { $role } của <b>{ $org }</b> ({ $org_name }) trong chương trình { $program } (trước đây: { $before_role } của { $before_org }). Gửi /viec để xem việc của cơ quan.

## Nút và từ chối

members-cancelled = Đã hủy, không thay đổi gì.
members-already = Việc này đã làm rồi.
op-members_not_allowed = Chỉ Trưởng ban, Phó Trưởng ban hoặc Tổ giúp việc của chương trình mới quản lý được người tham gia.
op-member_gone = Người này không còn trong danh sách (có thể đã bị thu hồi). Gửi lại /thanhvien để xem danh sách mới.
op-member_not_found = Không thấy ai tên «{ $name }» trong chương trình. Gõ đúng tên như trong /thanhvien, hoặc gửi lệnh không kèm tên để chọn bằng nút.
op-member_ambiguous = Có nhiều người khớp «{ $name }»: { $matches }. Gõ đầy đủ tên hơn, hoặc gửi lệnh không kèm tên để chọn bằng nút.
op-last_leader = { $name } là lãnh đạo cuối cùng của chương trình (Trưởng ban, Phó Trưởng ban hay Tổ giúp việc). Hãy mời hoặc giao vai trò lãnh đạo cho người khác trước, để chương trình luôn có người quản lý.
op-move_nothing = { $name } đã là như vậy ở { $org } rồi; không có gì thay đổi.
op-member_changed = Người này đã được thay đổi từ khi bot đọc lại; không làm gì thêm. Hãy gửi lại lệnh.
op-member_change_cancelled = Việc này đã bị hủy; hãy gửi lại lệnh.
op-member_change_done = Việc này đã làm xong, không hủy được nữa.
op-invite_gone = Lời mời này đã được dùng, đã hết hạn hoặc đã bị hủy.

## Dòng lệnh

cli-help-members = liệt kê ai là đầu mối của từng cơ quan và cơ quan nào còn thiếu
cli-members-gap-hint = Tạo lời mời cho cơ quan còn thiếu: phoihop invite { $program } MÃ_CƠ_QUAN
