package io.everycloud.user.account;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;

/** The operators' account list: a fragment of e-mail or name, a status, a role; pages in e-mail order. */
@ApplicationScoped
public class AccountSearch {

    public static final int MAX_QUERY_LENGTH = 200;

    @Transactional
    public Page<AccountView> search(String q, String status, String role, PageRequest page) {
        StringBuilder where = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (q != null && !q.isBlank()) {
            if (q.length() > MAX_QUERY_LENGTH) {
                throw ProblemException.badRequest("q", "must have at most " + MAX_QUERY_LENGTH + " characters");
            }
            where.append(" and (lower(email) like :q escape '\\' or lower(coalesce(name, '')) like :q escape '\\')");
            params.put("q", "%" + escapeLike(q.trim().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (status != null && !status.isBlank()) {
            switch (status.trim()) {
                case Account.BLOCKED -> where.append(" and blocked = true");
                case Account.PENDING, Account.ACTIVE -> {
                    where.append(" and blocked = false and status = :status");
                    params.put("status", status.trim());
                }
                default -> throw ProblemException.badRequest("status", "must be pending, active or blocked");
            }
        }
        if (role != null && !role.isBlank()) {
            if (!List.of(Account.ROLE_USER, Account.ROLE_OEM).contains(role.trim())) {
                throw ProblemException.badRequest("role", "must be user or oem");
            }
            where.append(" and role = :role");
            params.put("role", role.trim());
        }
        if (page.after() != null) {
            where.append(" and email > :after");
            params.put("after", page.after());
        }
        List<Account> rows = Account.<Account>find(where + " order by email", params).page(0, page.fetchSize()).list();
        return Page.of(rows, page, a -> a.email).map(AccountView::of);
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
