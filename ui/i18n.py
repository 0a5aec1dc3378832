"""Vietnamese for the strings Streamlit draws itself (uploader, password box, select boxes, chat input,
status and connection messages) and for their screen-reader labels.

Streamlit has no locale setting; the page script (ui/static/page.js) replaces these strings in the text
and in the `aria-label`, `title` and `placeholder` attributes as they appear. Exact strings first, then
patterns for the ones that carry a number or a name. tests/ui/test_browser.py scans the rendered pages
for any English left.
"""

from __future__ import annotations

EXACT: dict[str, str] = {
    # file uploader
    "Drag and drop file here": "Kéo và thả tệp vào đây",
    "Drag and drop files here": "Kéo và thả các tệp vào đây",
    "Browse files": "Chọn tệp",
    "Browse": "Chọn tệp",
    "Upload": "Tải lên",
    "Add files": "Thêm tệp",
    "file upload": "tải tệp lên",
    "Remove file": "Bỏ tệp",
    "Delete": "Xoá",
    "Uploading...": "Đang tải lên…",
    # text inputs, select boxes
    "Show password": "Hiện khoá",
    "Hide password": "Ẩn khoá",
    "Press Enter to apply": "Nhấn Enter để áp dụng",
    "Press Enter to submit form": "Nhấn Enter để gửi",
    "Press ⌘+Enter to apply": "Nhấn ⌘+Enter để áp dụng",
    "Press Ctrl+Enter to apply": "Nhấn Ctrl+Enter để áp dụng",
    "Clear entry": "Xoá nội dung",
    "Clear value": "Bỏ chọn",
    "Clear all": "Bỏ chọn tất cả",
    "Open": "Mở danh sách",
    "No results": "Không có kết quả",
    "No options to select": "Không có lựa chọn nào",
    "Select an option": "Chọn một mục",
    "Choose an option": "Chọn một mục",
    # chat input
    "Send message": "Gửi câu hỏi",
    "Stop script": "Dừng",
    "Start recording": "Bắt đầu ghi âm",
    "Stop recording": "Dừng ghi âm",
    "Cancel recording": "Huỷ ghi âm",
    "Submit recording": "Gửi bản ghi âm",
    # app frame, sidebar, navigation, status
    "Skip to main content": "Chuyển tới nội dung chính",
    "Sidebar": "Thanh bên",
    "App pages": "Các trang",
    "Main menu": "Trình đơn",
    "Collapse sidebar": "Thu gọn thanh bên",
    "Expand sidebar": "Mở thanh bên",
    "Close sidebar": "Đóng thanh bên",
    "Open sidebar": "Mở thanh bên",
    "View more": "Xem thêm",
    "View less": "Thu gọn",
    "Running...": "Đang chạy…",
    "Running…": "Đang chạy…",
    "Stop": "Dừng",
    "Rerun": "Chạy lại",
    "Connecting": "Đang kết nối",
    "Connecting...": "Đang kết nối…",
    "Please wait...": "Vui lòng chờ…",
    "Please wait…": "Vui lòng chờ…",
    "Connection error": "Lỗi kết nối",
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:": (
        "Giao diện web không còn chạy. Hãy chạy lại `make run` trên máy chủ:"
    ),
    "Streamlit server is not responding. Are you connected to the internet?": (
        "Giao diện web không phản hồi. Hãy kiểm tra kết nối mạng, hoặc nhờ quản trị viên chạy lại `make run`."
    ),
    "Connection closed": "Mất kết nối",
    "Connection timed out": "Hết thời gian chờ kết nối",
    "Connection timed out.": "Hết thời gian chờ kết nối.",
    "No response received from server": "Máy chủ không phản hồi",
    "Close": "Đóng",
    "Dismiss": "Đóng",
    "Settings": "Cài đặt",
    "Print": "In",
    "Record a screencast": "Quay màn hình",
    "Clear cache": "Xoá bộ nhớ đệm",
    "About": "Giới thiệu",
    "Deploy": "Triển khai",
    # elements
    "Chat message from user": "Câu hỏi",
    "Chat message from assistant": "Câu trả lời",
    "Feedback rating": "Đánh giá câu trả lời",
    "Show data": "Xem dữ liệu",
    "Download as PNG": "Tải ảnh PNG",
    "Download as SVG": "Tải ảnh SVG",
    "Copy Vega-Lite spec": "Sao chép đặc tả biểu đồ",
    "Vega visualization": "Biểu đồ",
    "visualization": "biểu đồ",  # aria-roledescription of a chart and of its parts
    "group mark container": "nhóm hình",
    "Copy to clipboard": "Sao chép",
    "Copied": "Đã sao chép",
    "Fullscreen": "Toàn màn hình",
    "View fullscreen": "Xem toàn màn hình",
    "Exit fullscreen": "Thoát toàn màn hình",
    "Close fullscreen": "Thoát toàn màn hình",
    "Download as CSV": "Tải về dạng CSV",
    "Search": "Tìm",
    "Show/hide columns": "Hiện/ẩn cột",
    "Thumbs up": "Hữu ích",
    "Thumbs down": "Chưa hữu ích",
    "Open in new tab": "Mở trong thẻ mới",
    "Link to heading": "Liên kết tới mục này",
    "Expand": "Mở rộng",
    "Collapse": "Thu gọn",
    "Loading...": "Đang tải…",
    "Error": "Lỗi",
    "Success": "Thành công",
    "Warning": "Cảnh báo",
    "Info": "Thông tin",
    "Help": "Trợ giúp",
    "Tooltip": "Chú thích",
    "Image": "Hình",
    "Show more": "Xem thêm",
    "Show less": "Thu gọn",
}

# (JavaScript regular expression over the whole trimmed string, replacement with $1… groups)
PATTERNS: list[tuple[str, str]] = [
    (r"^Limit (\d+(?:\.\d+)?\s*[KMG]?B) per file(?: • (.*))?$", "Tối đa $1 mỗi tệp • $2"),
    (r"^(\d+(?:\.\d+)?\s*[KMG]?B) per file$", "Tối đa $1 mỗi tệp"),
    (r"^Upload (.+)$", "Tải lên $1"),
    (r"^Help for (.+)$", "Hướng dẫn: $1"),
    (r"^Attempting to connect to (.+)\.$", "Đang kết nối tới $1."),
    (r"^Drag and drop (.+) here$", "Kéo và thả tệp vào đây"),
    (r"^Add: (.+)$", "Thêm: $1"),
    (r"^Running (.+)\.{3}$", "Đang chạy $1…"),
    (r"^(\d+) options? available\.?$", "Có $1 lựa chọn."),
]
