package io.everycloud.portal.web;

/** A page for something the user may not see or that does not exist: answered 404 with a page. */
public class PageNotFoundException extends RuntimeException {

    public PageNotFoundException() {
        super("not found", null, false, false);
    }
}
