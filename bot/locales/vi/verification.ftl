## Nghiệm thu hoàn thành (bot/verification.py)

command-duyet = Nghiệm thu các nhiệm vụ báo hoàn thành
chat-help-verify = Khi chương trình bật nghiệm thu, báo hoàn thành của cơ quan chủ trì chỉ được tính sau khi Trưởng ban, Phó trưởng ban hoặc Tổ giúp việc nghiệm thu: bot gửi riêng từng báo cáo kèm minh chứng với nút Nghiệm thu / Trả lại; /duyet liệt kê các báo cáo đang chờ.
chat-verify-card =
    📥 <b>Chờ nghiệm thu: { $task }</b> { $title }
    Cơ quan chủ trì: { $org }
chat-verify-card-dates = Hoàn thành ngày { $completed } (báo ngày { $reported }), thời hạn { $deadline }
chat-verify-card-author = Người báo: { $name }
chat-verify-card-note = Ghi chú: { $note }
chat-verify-card-evidence = Minh chứng: { $count } tệp, gửi kèm ngay sau tin này.
chat-verify-card-no-evidence = Chưa có minh chứng.
chat-verify-button-accept = ✅ Nghiệm thu
chat-verify-button-return = ↩️ Trả lại
chat-verify-evidence-caption = Minh chứng { $n }/{ $count } của nhiệm vụ { $task }
chat-verify-waiting = ⏳ Chương trình có nghiệm thu: nhiệm vụ { $task } chỉ được tính hoàn thành khi Trưởng ban hoặc Tổ giúp việc nghiệm thu. Bot sẽ báo bạn kết quả.
chat-verify-none = Không có báo cáo hoàn thành nào chờ nghiệm thu trong chương trình { $program }.
chat-verify-off = Chương trình { $program } không bật nghiệm thu: báo hoàn thành của cơ quan chủ trì được tính ngay.
chat-verify-list = Có { $count } báo cáo hoàn thành chờ nghiệm thu; dưới đây là { $shown } báo cáo gửi sớm nhất.
chat-verify-reason-prompt = Xin gõ lý do trả lại báo cáo hoàn thành nhiệm vụ { $task } của { $org } (ví dụ: thiếu biên bản nghiệm thu). Bot sẽ chuyển lý do cho cơ quan.
chat-verify-already = Báo cáo hoàn thành nhiệm vụ { $task } đã được xử lý: { $status } (ngày { $date }).
chat-verify-status-pending = đang chờ nghiệm thu
chat-verify-status-accepted = đã nghiệm thu
chat-verify-status-returned = đã trả lại
chat-verify-status-superseded = đã được thay bằng báo cáo mới hơn
chat-verify-accepted-by-you = ✅ Đã nghiệm thu nhiệm vụ <b>{ $task }</b> của { $org }: { $status }. Cơ quan sẽ được báo.
chat-verify-returned-by-you = ↩️ Đã trả lại báo cáo hoàn thành nhiệm vụ <b>{ $task }</b> cho { $org }, lý do: { $reason }
chat-verify-accepted = ✅ Nhiệm vụ <b>{ $task }</b> { $title } đã được nghiệm thu ngày { $decided }: { $status } (hoàn thành ngày { $completed }).
chat-verify-returned =
    ↩️ Báo cáo hoàn thành nhiệm vụ <b>{ $task }</b> { $title } bị trả lại, lý do: { $reason }
    Nhiệm vụ chưa được tính hoàn thành. Khi đã bổ sung, hãy báo lại bằng <code>/xong { $task }</code>.
op-not_verifier = Chỉ Trưởng ban, Phó trưởng ban hoặc Tổ giúp việc của chương trình mới nghiệm thu được báo cáo hoàn thành.
op-unknown_completion = Không còn báo cáo hoàn thành này; hãy gửi /duyet để xem các báo cáo đang chờ.
op-return_reason_missing = Xin gõ lý do trả lại (một dòng chữ), ví dụ: thiếu biên bản nghiệm thu.
chat-verify-readback = ⏳ Chương trình có nghiệm thu: sau khi xác nhận, nhiệm vụ { $task } chờ Trưởng ban hoặc Tổ giúp việc nghiệm thu rồi mới được tính hoàn thành.
chat-task-awaiting = { $when }, ⏳ chờ nghiệm thu
chat-status-awaiting = ⏳ Chờ nghiệm thu: { $count } báo cáo hoàn thành (xem bằng /duyet).
op-accepted_not_done = Trường accepted (ngày nghiệm thu) chỉ dùng cho báo cáo hoàn thành (done: true) của nhiệm vụ { $task }.
op-accepted_before_report = Nhiệm vụ { $task }: ngày nghiệm thu { $date } trước ngày báo cáo { $reported }.
op-completion_decided = Báo cáo hoàn thành nhiệm vụ { $task } không còn chờ nghiệm thu (đã được xử lý, hoặc đã có báo cáo mới hơn), nên không nghiệm thu được nữa.
