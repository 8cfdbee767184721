package org.rnn4j.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layers, top to bottom: cli → train → nn and io → the API (org.rnn4j and its extension package)
 * → cells → the compute interface. A layer may skip those between (the recurrent layers of nn run the cells'
 * variable-length form directly). The backends (cpu, cuda) implement the compute interface and are reached only
 * from the API (which constructs them) and the layers above it; nothing points back up.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.rnn4j");
    }

    @Test
    void layersPointOnlyDownwards() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("org.rnn4j.cli..")
                .layer("train").definedBy("org.rnn4j.train..")
                .layer("nn and io").definedBy("org.rnn4j.nn..", "org.rnn4j.io..")
                .layer("API").definedBy("org.rnn4j", "org.rnn4j.extension..")
                .layer("cells").definedBy("org.rnn4j.cell..")
                .layer("backends").definedBy("org.rnn4j.cpu..", "org.rnn4j.cuda..")
                .layer("compute").definedBy("org.rnn4j.compute..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("train").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("nn and io").mayOnlyBeAccessedByLayers("train", "cli")
                .whereLayer("API").mayOnlyBeAccessedByLayers("nn and io", "train", "cli")
                .whereLayer("cells").mayOnlyBeAccessedByLayers("API", "nn and io")
                .whereLayer("backends").mayOnlyBeAccessedByLayers("API", "nn and io", "train", "cli")
                .whereLayer("compute").mayOnlyBeAccessedByLayers("backends", "cells", "API", "nn and io", "train")
                .check(classes);
    }

    @Test
    void theCudaBackendIsIndependentOfTheCpuBackend() {
        noClasses().that().resideInAPackage("org.rnn4j.cuda..")
                .should().dependOnClassesThat().resideInAPackage("org.rnn4j.cpu..")
                .check(classes);
    }

    @Test
    void theCpuBackendNeverTouchesJCuda() {
        noClasses().that().resideInAPackage("org.rnn4j.cpu..")
                .should().dependOnClassesThat().resideInAnyPackage("jcuda..", "org.rnn4j.cuda..")
                .check(classes);
    }

    @Test
    void cellsAndComputeKnowNoPublicApiType() {
        noClasses().that().resideInAnyPackage("org.rnn4j.cell..", "org.rnn4j.compute..")
                .should().dependOnClassesThat().resideInAPackage("org.rnn4j")
                .check(classes);
    }
}
