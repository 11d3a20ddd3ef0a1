package io.everycloud.user.account;

import java.util.Locale;
import java.util.regex.Pattern;

/** E-mail addresses as accounts know them: trimmed, lower-cased, checked for a plausible shape. */
public final class Emails {

    public static final int MAX_LENGTH = 254;
    /** One {@code @}, no spaces, a dot in the domain: what a mail server can deliver to, roughly. */
    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+$");

    public static String normalize(String email) {
        return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
    }

    public static boolean isValid(String email) {
        return email != null && email.trim().length() <= MAX_LENGTH && SHAPE.matcher(email.trim()).matches();
    }

    private Emails() {
    }
}
