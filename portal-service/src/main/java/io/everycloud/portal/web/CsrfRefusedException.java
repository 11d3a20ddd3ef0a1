package io.everycloud.portal.web;

/** A form post without the session's CSRF token; answered 403 with a page. */
public class CsrfRefusedException extends RuntimeException {

    public CsrfRefusedException() {
        super("missing or wrong CSRF token", null, false, false);
    }
}
