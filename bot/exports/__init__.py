"""Documents made from the read side: the status workbook (.xlsx) and the status chart (.png).

Pure functions of `storage` dataclasses (`ProgramStatus`, `TaskRegister`) and a `Translator`:
every text comes from the catalogs (`bot/locales/*/exports.ftl`), none from the code.
"""
