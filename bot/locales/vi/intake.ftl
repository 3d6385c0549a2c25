# phoihop run: chế độ webhook (bot/webhook.py) và các tùy chọn.
cli-help-webhook = nhận cập nhật qua webhook tại địa chỉ https này thay vì polling (biến môi trường PHOIHOP_WEBHOOK_URL)
cli-help-listen = địa chỉ máy chủ webhook lắng nghe (mặc định 0.0.0.0; biến môi trường PHOIHOP_WEBHOOK_LISTEN)
cli-help-port = cổng máy chủ webhook lắng nghe (mặc định 8080; biến môi trường PHOIHOP_WEBHOOK_PORT)
cli-run-webhook-not-https = Địa chỉ webhook phải bắt đầu bằng https:// (Telegram chỉ gửi tới https): { $url }
cli-run-webhook = Webhook { $url }: lắng nghe tại { $listen }:{ $port } (kiểm tra sức khỏe: /healthz).
cli-run-webhook-secret-generated = Chưa đặt PHOIHOP_WEBHOOK_SECRET: lần chạy này dùng một mã bí mật riêng. Hãy đặt biến này khi nhiều bản sao dùng chung webhook.
