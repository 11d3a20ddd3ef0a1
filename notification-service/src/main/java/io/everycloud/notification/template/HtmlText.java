package io.everycloud.notification.template;

/** A readable text body made from an HTML body, for templates without their own text. */
final class HtmlText {

    static String of(String html) {
        String text = html.replaceAll("(?is)<(head|style|script)[^>]*>.*?</\\1>", "")
                .replaceAll("(?i)<a\\s[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", "$2 ($1)")
                .replaceAll("(?i)<br\\s*/?>", "\n")
                .replaceAll("(?i)</(p|h[1-6]|li|tr|div|ul|table)>", "\n")
                .replaceAll("(?i)<li[^>]*>", "- ")
                .replaceAll("<[^>]+>", "")
                .replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
        return text.replaceAll("[ \\t]+", " ").replaceAll(" *\\n *", "\n").replaceAll("\\n{3,}", "\n\n").strip() + "\n";
    }

    private HtmlText() {
    }
}
