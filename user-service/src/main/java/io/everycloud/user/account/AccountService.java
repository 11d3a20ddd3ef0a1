package io.everycloud.user.account;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.everycloud.events.UserEvents;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.user.config.UserConfig;
import io.everycloud.user.password.PasswordHasher;
import io.everycloud.user.password.PasswordPolicy;
import io.everycloud.user.token.RefreshTokens;

/**
 * Account life: sign-up and verification, passwords and their reset, operator changes (update,
 * block, delete) and accounts asked for by devices. Every change is announced through the outbox
 * in the transaction that makes it.
 */
@ApplicationScoped
public class AccountService {

    private static final Logger LOG = Logger.getLogger(AccountService.class);

    @Inject
    UserConfig config;

    @Inject
    PasswordPolicy policy;

    @Inject
    PasswordHasher hasher;

    @Inject
    AccountLinks links;

    @Inject
    RefreshTokens refreshTokens;

    @Inject
    Outbox outbox;

    /** What a sign-up answers, the same whether or not the address already had an account. */
    public record SignupAccepted(String email, String status) {
    }

    /**
     * Creates a pending account and announces it with its verification link. An address that
     * already has an account gets a password-reset link instead, and the answer is the same, so
     * sign-up cannot be used to find out who has an account. Sign-ups of one address take turns
     * (the second of two concurrent ones finds the first's account), and one address gets at most
     * {@code signup-emails-per-address} e-mails per {@code signup-email-window}: further sign-ups are
     * refused with 429 and Retry-After (the same count for an address with or without an account:
     * its first sign-up sends the verification link).
     */
    @Transactional
    public SignupAccepted signup(String emailIn, String password, String nameIn) {
        Fields fields = new Fields();
        String email = fields.email("email", emailIn);
        String name = fields.name("name", nameIn);
        if (fields.ok()) {
            policy.problem(password, email).ifPresent(m -> fields.add("password", m));
        }
        fields.throwIfAny();
        lockAddress(email);
        Instant now = Instant.now();
        Optional<Account> existing = Account.byEmail(email);
        if (existing.isPresent()) {
            // hash anyway: an answer that came back faster would tell that the address has an account
            hasher.hash(password);
            Account account = existing.get();
            if (!account.blocked) {
                requireSignupEmailAllowed(account, now);
                issueReset(account, now);
            }
            return new SignupAccepted(email, Account.PENDING);
        }
        Account account = Account.create(email, name, Account.ROLE_USER, Account.PENDING, UserEvents.ORIGIN_SIGNUP, now);
        account.passwordHash = hasher.hash(password);
        account.passwordChangedAt = now;
        account.persist();
        AccountLinks.Link link = links.issue(account.id, AccountToken.VERIFY, config.links().verificationTtl(), now);
        publish(account, new UserEvents.AccountRegistered(account.id, account.email, account.name,
                UserEvents.ORIGIN_SIGNUP, Account.PENDING, link.url(), link.expiresAt(), now));
        return new SignupAccepted(email, Account.PENDING);
    }

    /** Holds, until the transaction ends, the right to sign up this (normalized) address. */
    private static void lockAddress(String email) {
        Account.getEntityManager()
                .createNativeQuery("SELECT count(*) FROM (SELECT pg_advisory_xact_lock(hashtextextended(?1, 0))) l")
                .setParameter(1, "signup:" + email)
                .getSingleResult();
    }

    /** 429 with Retry-After when the address had its sign-up e-mails of the window. */
    private void requireSignupEmailAllowed(Account account, Instant now) {
        Duration window = config.links().signupEmailWindow();
        int limit = Math.max(1, config.links().signupEmailsPerAddress());
        List<Instant> sent = AccountToken.<AccountToken>find("accountId = ?1 and purpose in ?2 and createdAt > ?3 order by createdAt",
                account.id, List.of(AccountToken.VERIFY, AccountToken.RESET), now.minus(window))
                .stream().map(t -> t.createdAt).toList();
        if (sent.size() >= limit) {
            // the window has room again when enough of these e-mails are older than it
            Instant free = sent.get(sent.size() - limit).plus(window);
            throw ProblemException.tooManyRequests(Duration.between(now, free));
        }
    }

    /** Activates the account of a verification link. */
    @Transactional
    public AccountView verify(String token) {
        Instant now = Instant.now();
        AccountToken row = consume(token, now, AccountToken.VERIFY);
        Account account = Account.findById(row.accountId);
        activate(account, now);
        return AccountView.of(account);
    }

    /** Sends a reset link when the address has a usable account; says nothing either way. */
    @Transactional
    public void requestReset(String emailIn) {
        Fields fields = new Fields();
        String email = fields.email("email", emailIn);
        fields.throwIfAny();
        Account.byEmail(email).ifPresent(account -> sendReset(account, Instant.now()));
    }

    /** Sets the password of a reset or set-up link; proves the address, so a pending account becomes active. */
    @Transactional
    public void confirmReset(String token, String password) {
        Fields fields = new Fields();
        fields.required("token", token);
        fields.required("password", password);
        fields.throwIfAny();
        Instant now = Instant.now();
        AccountToken row = consume(token, now, AccountToken.RESET, AccountToken.SETUP);
        Account account = Account.findById(row.accountId);
        policy.check("password", password, account.email);
        AccountToken.update("usedAt = ?1 where accountId = ?2 and usedAt is null and purpose in ('reset', 'setup')", now,
                account.id);
        setPassword(account, password, now);
        activate(account, now);
    }

    @Transactional
    public AccountView get(UUID id) {
        return AccountView.of(find(id));
    }

    /** A user changes their own name. */
    @Transactional
    public AccountView updateOwnName(UUID id, String nameIn) {
        Fields fields = new Fields();
        String name = fields.name("name", nameIn);
        fields.throwIfAny();
        Account account = find(id);
        if (!java.util.Objects.equals(account.name, name)) {
            account.name = name;
            account.updatedAt = Instant.now();
            publish(account, new UserEvents.AccountUpdated(account.id, account.email, account.name, account.updatedAt));
        }
        return AccountView.of(account);
    }

    /** A user changes their own password, proving the current one. */
    @Transactional
    public void changeOwnPassword(UUID id, String current, String next) {
        Fields fields = new Fields();
        fields.required("currentPassword", current);
        fields.required("newPassword", next);
        fields.throwIfAny();
        Account account = find(id);
        if (!hasher.matches(current, account.passwordHash)) {
            throw ProblemException.badRequest("currentPassword", "is not your current password");
        }
        policy.check("newPassword", next, account.email);
        setPassword(account, next, Instant.now());
    }

    /** An operator creates an account: active with the given password, or pending with a set-up link. */
    @Transactional
    public AccountView create(String emailIn, String nameIn, String password, String roleIn) {
        Fields fields = new Fields();
        String email = fields.email("email", emailIn);
        String name = fields.name("name", nameIn);
        String role = roleIn == null || roleIn.isBlank() ? Account.ROLE_USER : roleIn.trim();
        if (!Account.ROLE_USER.equals(role) && !Account.ROLE_OEM.equals(role)) {
            fields.add("role", "must be user or oem");
        }
        if (password != null && fields.ok()) {
            policy.problem(password, email).ifPresent(m -> fields.add("password", m));
        }
        fields.throwIfAny();
        if (Account.byEmail(email).isPresent()) {
            throw ProblemException.conflict("an account with this e-mail address already exists");
        }
        Instant now = Instant.now();
        Account account = Account.create(email, name, role, password == null ? Account.PENDING : Account.ACTIVE,
                UserEvents.ORIGIN_OEM, now);
        if (password != null) {
            account.passwordHash = hasher.hash(password);
            account.passwordChangedAt = now;
        }
        account.persist();
        publish(account, new UserEvents.AccountRegistered(account.id, account.email, account.name,
                UserEvents.ORIGIN_OEM, account.status, null, null, now));
        if (password == null) {
            AccountLinks.Link link = links.issue(account.id, AccountToken.SETUP, config.links().setupTtl(), now);
            publish(account, new UserEvents.PasswordResetRequested(account.id, account.email, link.url(), link.expiresAt()));
        }
        return AccountView.of(account);
    }

    /** An operator changes an account's e-mail address and/or name (absent fields stay). */
    @Transactional
    public AccountView update(UUID id, String emailIn, String nameIn) {
        Fields fields = new Fields();
        String email = emailIn == null ? null : fields.email("email", emailIn);
        String name = fields.name("name", nameIn);
        fields.throwIfAny();
        Account account = find(id);
        boolean changed = false;
        if (email != null && !email.equals(account.email)) {
            if (Account.byEmail(email).isPresent()) {
                throw ProblemException.conflict("an account with this e-mail address already exists");
            }
            account.email = email;
            changed = true;
        }
        if (nameIn != null && !java.util.Objects.equals(account.name, name)) {
            account.name = name;
            changed = true;
        }
        if (changed) {
            account.updatedAt = Instant.now();
            publish(account, new UserEvents.AccountUpdated(account.id, account.email, account.name, account.updatedAt));
        }
        return AccountView.of(account);
    }

    /** Blocks an account: no more tokens, its refresh tokens die at once. Blocking twice changes nothing. */
    @Transactional
    public AccountView block(UUID id, String callerId) {
        Account account = find(id);
        if (account.id.toString().equals(callerId)) {
            throw ProblemException.conflict("you cannot block your own account");
        }
        if (!account.blocked) {
            Instant now = Instant.now();
            account.blocked = true;
            account.updatedAt = now;
            refreshTokens.revokeAll(account.id);
            publish(account, new UserEvents.AccountBlocked(account.id, now));
        }
        return AccountView.of(account);
    }

    @Transactional
    public AccountView unblock(UUID id) {
        Account account = find(id);
        if (account.blocked) {
            Instant now = Instant.now();
            account.blocked = false;
            account.failedLogins = 0;
            account.lockedUntil = null;
            account.updatedAt = now;
            publish(account, new UserEvents.AccountUnblocked(account.id, now));
        }
        return AccountView.of(account);
    }

    /** An operator sets an account's password; the account is usable at once. */
    @Transactional
    public void setPasswordByOperator(UUID id, String password) {
        Account account = find(id);
        policy.check("password", password, account.email);
        Instant now = Instant.now();
        setPassword(account, password, now);
        activate(account, now);
    }

    @Transactional
    public void delete(UUID id, String callerId) {
        Account account = find(id);
        if (account.id.toString().equals(callerId)) {
            throw ProblemException.conflict("you cannot delete your own account");
        }
        refreshTokens.revokeAll(account.id);
        account.delete();
        publish(account, new UserEvents.AccountDeleted(account.id, Instant.now()));
    }

    /**
     * A device asked to be claimed by the owner of an address: finds the account or creates one
     * waiting for its password, and announces it ready. An account without a password yet gets
     * a (new) set-password link each time.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void provideForDevice(String identity, String emailIn) {
        if (!Emails.isValid(emailIn)) {
            LOG.warnf("device %s asked for an account with an address that is not one; ignored", identity);
            return;
        }
        String email = Emails.normalize(emailIn);
        Instant now = Instant.now();
        Optional<Account> existing = Account.byEmail(email);
        if (existing.isPresent()) {
            Account account = existing.get();
            if (account.blocked) {
                LOG.infof("device %s asked for the blocked account %s; not claimed", identity, account.id);
                return;
            }
            AccountLinks.Link link = account.passwordHash == null
                    ? links.issue(account.id, AccountToken.SETUP, config.links().setupTtl(), now)
                    : null;
            publish(account, new UserEvents.DeviceAccountReady(account.id, account.email, identity, false,
                    link == null ? null : link.url(), link == null ? null : link.expiresAt()));
            return;
        }
        Account account = Account.create(email, null, Account.ROLE_USER, Account.PENDING, UserEvents.ORIGIN_DEVICE_CLAIM, now);
        account.persist();
        AccountLinks.Link link = links.issue(account.id, AccountToken.SETUP, config.links().setupTtl(), now);
        publish(account, new UserEvents.AccountRegistered(account.id, account.email, null,
                UserEvents.ORIGIN_DEVICE_CLAIM, Account.PENDING, null, null, now));
        publish(account, new UserEvents.DeviceAccountReady(account.id, account.email, identity, true, link.url(),
                link.expiresAt()));
    }

    /** The account, or 404. */
    public Account find(UUID id) {
        Account account = Account.findById(id);
        if (account == null) {
            throw ProblemException.notFound("no such account");
        }
        return account;
    }

    private void sendReset(Account account, Instant now) {
        if (account.blocked) {
            return;
        }
        // one e-mail per interval: repeated requests must not turn us into a mail cannon
        long recent = AccountToken.count("accountId = ?1 and purpose = ?2 and createdAt > ?3", account.id,
                AccountToken.RESET, now.minus(config.links().resetInterval()));
        if (recent > 0) {
            return;
        }
        issueReset(account, now);
    }

    private void issueReset(Account account, Instant now) {
        AccountLinks.Link link = links.issue(account.id, AccountToken.RESET, config.links().resetTtl(), now);
        publish(account, new UserEvents.PasswordResetRequested(account.id, account.email, link.url(), link.expiresAt()));
    }

    private AccountToken consume(String token, Instant now, String... purposes) {
        AccountToken row = token == null || token.isBlank() ? null : AccountToken.findById(PasswordHasher.sha256(token.trim()));
        if (row == null || !java.util.List.of(purposes).contains(row.purpose)) {
            throw ProblemException.badRequest("token", "is not a valid link token");
        }
        if (row.usedAt != null) {
            throw ProblemException.gone("this link was already used");
        }
        if (!row.expiresAt.isAfter(now)) {
            throw ProblemException.gone("this link has expired; ask for a new one");
        }
        row.usedAt = now;
        return row;
    }

    private void setPassword(Account account, String password, Instant now) {
        account.passwordHash = hasher.hash(password);
        account.passwordChangedAt = now;
        account.failedLogins = 0;
        account.lockedUntil = null;
        account.updatedAt = now;
        refreshTokens.revokeAll(account.id);
    }

    private void activate(Account account, Instant now) {
        if (Account.PENDING.equals(account.status)) {
            account.status = Account.ACTIVE;
            account.verifiedAt = now;
            account.updatedAt = now;
            publish(account, new UserEvents.AccountVerified(account.id, account.email, now));
        }
    }

    private void publish(Account account, Record event) {
        outbox.publish(account.id.toString(), event);
    }
}
