package io.everycloud.kit.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.junit.jupiter.api.Test;

/** Field names in 400 answers are written as a client writes the JSON path. */
class FieldNamesTest {

    record Item(@NotBlank String name) {
    }

    record Request(@Size(max = 3) String code, List<@NotBlank String> tags, @Valid List<Item> items,
            Map<String, @NotBlank String> labels) {
    }

    private final Validator validator = Validation.byDefaultProvider().configure()
            .messageInterpolator(new org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator())
            .buildValidatorFactory().getValidator();

    @Test
    void listElementsAndNestedFieldsAreNamedByTheirPosition() {
        Request request = new Request("toolong", List.of("ok", " "), List.of(new Item("a"), new Item("")), Map.of("k", ""));

        Set<ConstraintViolation<Request>> violations = validator.validate(request);

        assertThat(violations).extracting(v -> ProblemMappers.fieldOf(v.getPropertyPath()))
                .containsExactlyInAnyOrder("code", "tags[1]", "items[1].name", "labels[k]");
    }
}
