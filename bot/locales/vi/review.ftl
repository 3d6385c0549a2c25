# Báo cáo sơ kết / tổng kết (bản dự thảo .docx): bot/exports/review.py
review-issuer-party = { $level ->
    [district] HUYỆN ỦY { $place }
    [commune] ĐẢNG ỦY { $place }
   *[province] TỈNH ỦY { $place }
}
review-issuer-state = { $level ->
    [district] UBND HUYỆN { $place }
    [commune] UBND XÃ { $place }
   *[province] UBND TỈNH { $place }
}
review-star = *
review-number-party = Số      -BC/BCĐ
review-number-state = Số:      /BC-BCĐ
review-party-name = ĐẢNG CỘNG SẢN VIỆT NAM
review-state-name = CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
review-state-motto = Độc lập - Tự do - Hạnh phúc
review-place-date = { $place }, { $date }
review-title = BÁO CÁO
review-subject = { $final ->
    [yes] Tổng kết
   *[no] Sơ kết
} { $period } thực hiện { $program }
review-subject-no-period = Kết quả thực hiện { $program } (đến ngày { $date })
review-section-leadership = I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TRIỂN KHAI THỰC HIỆN
review-leadership-text = Thực hiện { $program }{ $document }, { $committee } đã ban hành kế hoạch, phân công nhiệm vụ cho các cơ quan thành viên; các cơ quan thành viên đã cụ thể hóa thành kế hoạch của cơ quan, đơn vị, chủ động phối hợp triển khai thực hiện. [Tổ giúp việc bổ sung: các văn bản chỉ đạo, hội nghị quán triệt, kiểm tra, giám sát.]
review-document = { " " }số { $document }
review-section-results = II. KẾT QUẢ THỰC HIỆN
review-results-headline = Tính đến ngày { $date }, thành viên Ban Chỉ đạo đã chỉ đạo thực hiện và hoàn thành { $parts }.
review-results-none = Tính đến ngày { $date }, chương trình chưa có nhiệm vụ nào.
review-part-common = { $done }/{ $total } nhiệm vụ chung
review-part-registered = { $done }/{ $total } nhiệm vụ do các cơ quan thành viên đăng ký chủ trì
review-part-focus = { $done }/{ $total } nhiệm vụ trọng tâm
review-kind-common = Nhiệm vụ chung
review-kind-registered = Nhiệm vụ do các cơ quan thành viên đăng ký chủ trì
review-kind-focus = Nhiệm vụ trọng tâm
review-split = { $kind }: { $on_time } nhiệm vụ hoàn thành đúng hạn; { $late } nhiệm vụ hoàn thành quá hạn{ $late_codes }; { $in_progress } nhiệm vụ đang thực hiện trong hạn; { $overdue } nhiệm vụ quá hạn chưa hoàn thành{ $overdue_codes }. { $rate }
review-rate = Tỷ lệ hoàn thành trên số nhiệm vụ đã đến hạn: { $done }/{ $due } ({ $percent }%).
review-rate-none = Chưa có nhiệm vụ nào đến hạn.
review-codes = { " " }({ $codes })
review-figures-title = Kết quả các nhiệm vụ chung:
review-figure-line = - { $code } { $title }: { $values }.
review-figures-none = Các nhiệm vụ chung chưa có số liệu báo cáo.
review-value-target = { $value } (chỉ tiêu { $target })
review-more-see-appendix = - Và { $count } nhiệm vụ khác (xem Phụ lục).
review-orgs-title = Kết quả thực hiện nhiệm vụ do các cơ quan thành viên đăng ký chủ trì:
review-org-line = - { $name } ({ $code }): hoàn thành { $done }/{ $total } nhiệm vụ{ $overdue }.
review-org-overdue = ; quá hạn chưa hoàn thành: { $codes }
review-org-contributions = Các cơ quan thành viên có số liệu đóng góp vào nhiệm vụ chung: { $orgs }.
review-section-assessment = III. ĐÁNH GIÁ CHUNG
review-strengths-title = 1. Ưu điểm
review-strengths-text = Các cơ quan thành viên Ban Chỉ đạo đã chủ động, tích cực triển khai nhiệm vụ được phân công; sự phối hợp giữa các cơ quan thành viên ngày càng chặt chẽ, hoàn thành { $done }/{ $total } nhiệm vụ; { $rate } [Tổ giúp việc bổ sung các kết quả nổi bật.]
review-strengths-rate = tỷ lệ hoàn thành trên số nhiệm vụ đã đến hạn đạt { $percent }%.
review-strengths-no-rate = chưa có nhiệm vụ đến hạn.
review-limitations-title = 2. Hạn chế, khó khăn và nguyên nhân
review-overdue-intro = Còn { $count } nhiệm vụ quá hạn chưa hoàn thành:
review-overdue-none = Không có nhiệm vụ quá hạn chưa hoàn thành.
review-overdue-line = - { $code } { $title } ({ $lead } chủ trì): hạn { $deadline }, quá hạn { $days } ngày.
review-more = - Và { $count } nhiệm vụ khác.
review-difficulties-intro = Khó khăn, vướng mắc các cơ quan thành viên phản ánh:
review-difficulties-none = Các cơ quan thành viên chưa phản ánh khó khăn, vướng mắc trong kỳ.
review-difficulty-line = - { $org }: { $text }
review-difficulty-task = { " " }(nhiệm vụ { $task })
review-causes = Nguyên nhân: [Tổ giúp việc bổ sung nguyên nhân khách quan, chủ quan.]
review-section-directions = IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM { $period }
review-section-directions-plain = IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI
review-directions-text = Các cơ quan thành viên tiếp tục thực hiện có hiệu quả chương trình phối hợp, tập trung hoàn thành các nhiệm vụ quá hạn và các nhiệm vụ sau:
review-next-line = - { $code } { $title } ({ $lead } chủ trì, hạn { $deadline }).
review-next-none = Tiếp tục thực hiện các nhiệm vụ thường xuyên của chương trình.
review-section-recommendations = V. ĐỀ XUẤT, KIẾN NGHỊ
review-recommendations-text = [Tổ giúp việc bổ sung các đề xuất, kiến nghị với cấp trên và các cơ quan liên quan.]
review-recipients-title = Nơi nhận:
review-recipient-line = - { $name },
review-recipients-members = - Các cơ quan thành viên BCĐ,
review-recipients-file = - Lưu Tổ giúp việc.
review-sign-for = T/M BAN CHỈ ĐẠO
review-sign-title = TRƯỞNG BAN
review-sign-name = [Họ và tên]
review-appendix-title = PHỤ LỤC
review-appendix-subtitle = Tình hình thực hiện nhiệm vụ { $program } (đến ngày { $date })
review-appendix-caption = (Kèm theo Báo cáo của { $committee })
review-col-number = STT
review-col-task = Nhiệm vụ
review-col-lead = Chủ trì
review-col-partners = Phối hợp
review-col-deadline = Thời hạn
review-col-figures = Chỉ tiêu/Kết quả
review-col-status = Tình trạng
review-partners-all = tất cả
review-deadline-ongoing = thường xuyên
review-deadline-extended = { $deadline } (gia hạn đến { $extended })
review-figure-both = Chỉ tiêu { $target }, đạt { $result } { $unit }
review-figure-target = Chỉ tiêu { $target } { $unit }, chưa có kết quả
review-figure-result = Đạt { $result } { $unit }
review-status-done_on_time = Hoàn thành đúng hạn
review-status-done_late = Hoàn thành quá hạn
review-status-in_progress = Đang thực hiện trong hạn
review-status-overdue = Quá hạn chưa hoàn thành ({ $days } ngày)
op-review_unknown_period = Không có kỳ báo cáo mã «{ $period }» trong chương trình.
