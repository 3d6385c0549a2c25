## Báo cáo gõ một dòng: «R09 14 mô hình», «CT01 HND 22 hội nghị, 6.150 lượt người»

op-typed_empty = Tin nhắn chưa có nội dung. Xin hãy gõ mã nhiệm vụ rồi đến số liệu, ví dụ: R09 14 mô hình
op-typed_too_long = Tin nhắn dài quá { $limit } ký tự. Xin hãy gõ gọn: mã nhiệm vụ, mã cơ quan (nếu cần) rồi số liệu, ví dụ: CT01 HND 22 hội nghị, 6.150 lượt người
op-typed_no_task = «{ $text }» chưa bắt đầu bằng mã nhiệm vụ. Xin hãy gõ mã nhiệm vụ trước rồi đến số liệu, ví dụ: R09 14 mô hình hoặc CT01 HND 22 hội nghị, 6.150 lượt người
op-typed_no_values = Chưa thấy số liệu nào cho nhiệm vụ { $task }. Xin hãy gõ số kèm đơn vị sau mã nhiệm vụ, ví dụ: R09 14 mô hình hoặc CT01 HND 22 hội nghị, 6.150 lượt người
op-typed_unknown_unit = Đơn vị «{ $unit }» không thuộc chỉ tiêu nào của chương trình, nên chưa biết ghi số này vào chỉ tiêu nào của nhiệm vụ { $task }. Xin hãy dùng một trong các đơn vị: { $units }. Ví dụ: CT01 22 hội nghị, 6.150 lượt người
op-typed_which_indicator = Số «{ $number }» chưa có đơn vị nên chưa biết thuộc chỉ tiêu nào của nhiệm vụ { $task }. Xin hãy gõ đơn vị sau số, hoặc mã chỉ tiêu trước số, chọn trong: { $choices }. Ví dụ: CT01 22 hội nghị hoặc CT01 HN 22
op-typed_repeated_indicator = Chỉ tiêu { $indicator } được gõ hai lần trong cùng một tin nhắn. Xin hãy gõ mỗi chỉ tiêu một lần, với số mới nhất, ví dụ: CT01 22 hội nghị, 6.150 lượt người
op-typed_bad_number = «{ $text }» không đọc được thành số. Xin hãy viết số không âm theo kiểu Việt Nam, như 6.150, 2,5, gần 500 hoặc trên 7 tỷ đồng; ví dụ: CT01 HND 22 hội nghị, 6.150 lượt người
