# phoihop: các lệnh vận hành (phoihop doctor, phoihop backup). Mỗi khóa ở đây cũng phải có trong en/ops.ftl.

## phoihop backup

cli-help-backup = sao lưu cơ sở dữ liệu: SQLite thì chép ra một bản nhất quán (được cả khi bot đang chạy); PostgreSQL thì in lệnh pg_dump tương ứng
cli-help-backup-file = tệp bản sao lưu
cli-help-force = ghi đè nếu tệp đã có
backup-done = Đã sao lưu vào { $path } ({ $size } byte); kiểm tra toàn vẹn (integrity_check): { $integrity }.
backup-postgres =
    Cơ sở dữ liệu là PostgreSQL: phoihop không tự ghi bản sao lưu. Hãy chạy lệnh sau (mật khẩu lấy từ PGPASSWORD hoặc ~/.pgpass, hoặc pg_dump sẽ hỏi):
        { $command }
    Khôi phục bằng pg_restore.
backup-exists = Tệp { $path } đã có. Chọn tên khác, hoặc thêm --force để ghi đè.
backup-same-file = { $path } chính là tệp cơ sở dữ liệu; hãy chọn một tệp khác.
backup-missing = Không có tệp cơ sở dữ liệu { $path }.
backup-no-file = Cơ sở dữ liệu { $url } không nằm trong một tệp nên không sao lưu được.
backup-unsupported = Chưa sao lưu được loại cơ sở dữ liệu { $backend }.
backup-failed = Sao lưu không thành công: { $detail }
backup-corrupt = Bản sao lưu không qua được kiểm tra toàn vẹn, đã bỏ: { $detail }

## phoihop doctor

cli-help-doctor = kiểm tra mã bot, cơ sở dữ liệu, webhook và các nhóm của ban chỉ đạo
doctor-verdict-ok = [ổn]
doctor-verdict-warning = [lưu ý]
doctor-verdict-problem = [LỖI]
doctor-summary-ok = Mọi thứ đều ổn.
doctor-summary-warnings = Không có lỗi; { $warnings } điểm cần lưu ý.
doctor-summary-problems = { $problems } lỗi, { $warnings } điểm cần lưu ý.
doctor-token-missing =
    Chưa có mã bot Telegram (TELEGRAM_BOT_TOKEN).
    Hãy tạo bot với @BotFather trên Telegram (lệnh /newbot), rồi đặt mã nhận được vào biến môi trường TELEGRAM_BOT_TOKEN (hoặc tệp .env).
doctor-token-rejected =
    Máy chủ Bot API ({ $api }) không nhận mã bot: mã sai hoặc đã bị thu hồi.
    Lấy lại mã bằng @BotFather (lệnh /token), rồi sửa TELEGRAM_BOT_TOKEN.
doctor-api-unreachable =
    Không gọi được Bot API { $api }: { $detail }
    Kiểm tra kết nối mạng và TELEGRAM_API_BASE_URL.
doctor-token-ok = Mã bot hợp lệ: @{ $username } (Bot API { $api }).
doctor-db-ok = Cơ sở dữ liệu { $url } mở được, lược đồ ở phiên bản mới nhất ({ $revision }).
doctor-db-unreachable =
    Không mở được cơ sở dữ liệu { $url }: { $detail }
    Kiểm tra DATABASE_URL (hoặc --database-url) và máy chủ cơ sở dữ liệu.
doctor-db-empty =
    Cơ sở dữ liệu { $url } còn trống (chưa có lược đồ).
    Hãy chạy: phoihop db upgrade (hoặc nhập kế hoạch: phoihop import KẾ_HOẠCH.yaml)
doctor-db-outdated =
    Lược đồ cơ sở dữ liệu { $url } chưa ở phiên bản mới nhất ({ $current }, mới nhất là { $head }).
    Hãy chạy: phoihop db upgrade
doctor-webhook-none = Chưa đặt webhook: bot nhận tin nhắn bằng long polling.
doctor-webhook-set = Webhook đang đặt: { $url } ({ $pending } cập nhật đang chờ).
doctor-webhook-error =
    Webhook { $url } báo lỗi ({ $pending } cập nhật đang chờ): { $error }
    Kiểm tra địa chỉ webhook có truy cập được từ Internet và chứng chỉ HTTPS còn hạn.
doctor-groups-none = Chưa chương trình nào gắn nhóm ban chỉ đạo (lãnh đạo gửi /nhom trong nhóm để gắn).
doctor-group-admin = Nhóm của { $program } ({ $chat }): bot là quản trị viên, đọc được tin nhắn.
doctor-group-reads-all = Nhóm của { $program } ({ $chat }): bot là thành viên, đọc được mọi tin nhắn (đã tắt chế độ riêng tư).
doctor-group-privacy =
    Nhóm của { $program } ({ $chat }): bot đang ở chế độ riêng tư (privacy mode) và không là quản trị viên, nên chỉ thấy các lệnh gửi cho nó.
    Cách sửa: nhắn @BotFather lệnh /setprivacy, chọn @{ $username }, chọn Disable, rồi mời bot ra và vào lại nhóm; hoặc đặt bot làm quản trị viên của nhóm.
doctor-group-gone =
    Nhóm của { $program } ({ $chat }): bot không còn trong nhóm ({ $detail }); thông báo cho nhóm sẽ không gửi được.
    Cách sửa: mời bot vào lại nhóm, hoặc lãnh đạo gửi /nhom trong nhóm mới.
doctor-group-migrated =
    Nhóm của { $program } ({ $chat }) đã nâng cấp thành siêu nhóm { $new_chat }, mà cơ sở dữ liệu chưa cập nhật.
    Cách sửa: lãnh đạo gửi /nhom trong nhóm mới.
