package io.engramstream.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A static HTML page of headings, paragraphs, images (written next to it) and tables. */
public final class HtmlReport {
    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlReport(String title) { this.title = title; }

    public HtmlReport heading(String text) { body.append("<h2>").append(esc(text)).append("</h2>\n"); return this; }

    public HtmlReport paragraph(String text) { body.append("<p>").append(esc(text)).append("</p>\n"); return this; }

    /** An image by file name relative to the page. */
    public HtmlReport image(String fileName, String alt) {
        body.append("<p><img src=\"").append(esc(fileName)).append("\" alt=\"").append(esc(alt)).append("\"></p>\n");
        return this;
    }

    public HtmlReport table(List<String> header, List<List<String>> rows) {
        body.append("<table>\n<tr>");
        for (String h : header) body.append("<th>").append(esc(h)).append("</th>");
        body.append("</tr>\n");
        for (List<String> r : rows) {
            body.append("<tr>");
            for (String c : r) body.append("<td>").append(esc(c)).append("</td>");
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    public String html() {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + esc(title) + "</title>\n"
                + "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}"
                + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                + "th{background:#f4f4f4}img{max-width:100%;border:1px solid #eee}</style></head>\n<body>\n<h1>"
                + esc(title) + "</h1>\n" + body + "</body></html>\n";
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, html(), StandardCharsets.UTF_8);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
