"""The importer's reasons for refusing a file (English, as `wenku import` prints them) said in Chinese for the
upload page. Unknown reasons get a general sentence; the page shows the original reason beside it either way."""

from __future__ import annotations

import re

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^unsupported format \(no extension\)"), "文件没有扩展名，无法判断格式（支持 {formats}）"),
    (re.compile(r"^unsupported format (?P<ext>\S+)"), "不支持 {ext} 格式的文件（支持 {formats}）"),
    (re.compile(r"^empty file$"), "文件是空的"),
    (
        re.compile(r"^file too large: (?P<size>[\d.]+ MB|more than \d+ MB) \(limit (?P<limit>\d+) MB\)"),
        "文件太大（上限 {limit} MB）",
    ),
    (re.compile(r"zip bomb"), "文件解压后会异常膨胀（疑似压缩炸弹），已拒绝"),
    (re.compile(r"entries in the (?P<kind>\S+) container"), "{kind} 文件里的条目过多，已拒绝"),
    (re.compile(r"LibreOffice is not installed"), "服务器没有安装 LibreOffice，暂时无法读取这种格式（请联系管理员）"),
    (re.compile(r"LibreOffice did not finish"), "文件转换超时（文件过大或过于复杂），已放弃"),
    (re.compile(r"LibreOffice crashed"), "转换文件时出错（文件可能已损坏或过大）"),
    (
        re.compile(r"LibreOffice could not (?:open|convert) the (?P<kind>\.\w+) file"),
        "无法打开这个 {kind} 文件：文件已损坏、设有密码或格式不符",
    ),
    (re.compile(r"^no text found on the slides"), "幻灯片里没有文字"),
    (re.compile(r"an OLE compound file"), "文件设有打开密码，或是改了扩展名的旧版 .doc 文件；请去掉密码或另存为 .docx"),
    (re.compile(r"protected with a password"), "文件设有打开密码，请去掉密码后再上传"),
    (re.compile(r"^not a valid (?P<kind>\.\w+) file"), "不是有效的 {kind} 文件（文件已损坏或格式不符）"),
    (re.compile(r"^the (?P<kind>\.\w+) file is encrypted"), "{kind} 文件已加密，无法读取"),
    (re.compile(r"encrypted with a password"), "PDF 设有打开密码，无法读取"),
    (re.compile(r"damaged or not a PDF"), "PDF 文件已损坏，或者并不是 PDF"),
    (re.compile(r"^cannot open the PDF"), "无法打开这个 PDF 文件"),
    (re.compile(r"no text layer"), "PDF 里没有文字（可能是扫描件），暂不支持图片文字识别"),
    (
        re.compile(r"^the PDF has (?P<pages>\d+) pages \(limit (?P<limit>\d+)\)"),
        "PDF 页数过多（{pages} 页，上限 {limit} 页）",
    ),
    (
        re.compile(r"^text too long: (?P<chars>\d+) characters \(limit (?P<limit>\d+)\)"),
        "文字过多（上限 {limit} 字符）",
    ),
    (re.compile(r"text too long: more than (?P<limit>\d+) characters"), "文字过多（上限 {limit} 字符）"),
    (re.compile(r"too many paragraphs: more than (?P<limit>\d+)"), "段落过多（上限 {limit} 段）"),
    (re.compile(r"too many lines: more than (?P<limit>\d+)"), "行数过多（上限 {limit} 行）"),
    (re.compile(r"too many pages: more than (?P<limit>\d+)"), "页数过多（上限 {limit} 页）"),
    (re.compile(r"too many elements: more than (?P<limit>\d+)"), "文件结构过于庞大（超过 {limit} 个元素），无法读取"),
    (
        re.compile(r"^parsing took longer than (?P<seconds>[\d.]+) s"),
        "解析超时（上限 {seconds} 秒）：文件过大或过于复杂",
    ),
    (re.compile(r"^parsing needed more than (?P<mb>\d+) MB"), "解析所需内存超限（上限 {mb} MB）：文件过大或过于复杂"),
    (re.compile(r"^the parser crashed"), "解析文件时出错（文件可能已损坏或过大）"),
    (re.compile(r"^(?:record (?P<record>.+): )?no text found"), "没有找到文字"),
    (re.compile(r"^cannot decode the (text|HTML)"), "无法识别文件的文字编码"),
    (re.compile(r"^empty HTML document"), "HTML 文件里没有内容"),
    (re.compile(r"nested too deeply|beyond the parser's limits"), "文件结构嵌套过深，无法读取"),
    (re.compile(r"too large to process"), "文件太大，无法处理"),
    (re.compile(r"^no records in this JSONL file"), "JSONL 文件里没有记录"),
    (re.compile(r"^line (?P<line>\d+): not valid JSON"), "第 {line} 行不是有效的 JSON"),
    (re.compile(r'^line (?P<line>\d+): a record needs a string field "text"'), "第 {line} 行缺少文本字段 text"),
    (re.compile(r"^cannot read the (?P<fmt>\w+) file"), "无法读取这个 {fmt} 文件（文件可能已损坏）"),
    (re.compile(r"database refused|could not store"), "保存失败，请稍后再试"),
]


def in_chinese(reason: str | None) -> str:
    from wenku.ingest.converters import SUPPORTED_EXTENSIONS

    reason = reason or ""
    for pattern, template in _RULES:
        match = pattern.search(reason)
        if match:
            values = {k: v for k, v in match.groupdict().items() if v is not None}
            return template.format(formats=" ".join(SUPPORTED_EXTENSIONS), **values)
    return "无法导入这个文件"
