## Reports typed in one line: “R09 14 MH”, “CT01 HND 22 HN, 6,150 LN”

op-typed_empty = The message is empty. Please type the task code, then the figures, for example: R09 14 MH
op-typed_too_long = The message is longer than { $limit } characters. Please keep it short: the task code, the organization code if needed, then the figures, for example: CT01 HND 22 HN, 6,150 LN
op-typed_no_task = “{ $text }” does not start with a task code. Please type the task code first, then the figures, for example: R09 14 MH or CT01 HND 22 HN, 6,150 LN
op-typed_no_values = No figures found for task { $task }. Please type each number with its indicator code or unit after the task code, for example: R09 14 MH or CT01 HND 22 HN, 6,150 LN
op-typed_unknown_unit = The unit “{ $unit }” is not one of the program's indicators, so it is not clear which indicator of task { $task } this figure goes to. Please use an indicator code or one of these units: { $units }. For example: CT01 22 HN, 6,150 LN
op-typed_which_indicator = The number “{ $number }” has no unit, so it is not clear which indicator of task { $task } it belongs to. Please put an indicator code after or before the number, one of: { $choices }. For example: CT01 22 HN or CT01 HN 22
op-typed_repeated_indicator = Indicator { $indicator } is typed twice in the same message. Please give each indicator once, with the latest figure, for example: CT01 22 HN, 6,150 LN
op-typed_bad_number = Cannot read “{ $text }” as a number. Please write a non-negative number like 6,150, 2.5, about 500 or over 7 billion VND; for example: CT01 HND 22 HN, 6,150 LN
