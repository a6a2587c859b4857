# package.cmake - the Debian package, built by CPack from the install rules
# (cmake -DDMARCGUARD_DEB=ON, then cpack -G DEB): dmarcguard_<version>_amd64.deb.
#
# What the package adds to a plain install: man pages gzipped, the copyright
# file and changelog in /usr/share/doc/dmarcguard, the unit in
# /lib/systemd/system (Debian 12's place), stripped binaries, dependencies
# computed from the binaries by dpkg-shlibdeps, /etc/dmarcguard.conf as a
# conffile, and the maintainer scripts of packaging/deb (system user,
# service enabled with deb-systemd-helper). README, "Installing", says why
# CPack rather than a debian/ directory.

set(DMARCGUARD_MAINTAINER "dmarcguard maintainers <dmarcguard@example.org>"
    CACHE STRING "Maintainer field of the Debian package")

set(pkg_dir ${CMAKE_SOURCE_DIR}/packaging/deb)
set(pkg_build ${CMAKE_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${pkg_build})

# Debian policy: man pages and the changelog gzipped with -9n (no time stamp).
configure_file(${pkg_dir}/changelog.in ${pkg_build}/changelog @ONLY)
foreach(page dmarcguard.8 dmarcguard.conf.5 dmarcguard-alerts.1 dmarcguard-reports.8
             dmarcguard-quarantine.8 changelog)
  if(page STREQUAL "changelog")
    set(src ${pkg_build}/changelog)
  else()
    set(src ${CMAKE_SOURCE_DIR}/docs/${page})
  endif()
  add_custom_command(OUTPUT ${pkg_build}/${page}.gz
    COMMAND gzip -9n -c ${src} > ${pkg_build}/${page}.gz
    DEPENDS ${src} VERBATIM)
  list(APPEND pkg_gz ${pkg_build}/${page}.gz)
endforeach()
add_custom_target(dmarcguard_package_files ALL DEPENDS ${pkg_gz})
install(FILES ${pkg_build}/dmarcguard.8.gz ${pkg_build}/dmarcguard-reports.8.gz
              ${pkg_build}/dmarcguard-quarantine.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${pkg_build}/dmarcguard.conf.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${pkg_build}/dmarcguard-alerts.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${pkg_build}/changelog.gz ${pkg_dir}/copyright
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME dmarcguard)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${DMARCGUARD_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "DMARC milter with a local override for p=none spoofs")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "dmarcguard checks SPF, verifies DKIM and evaluates DMARC in one\n\
multithreaded milter for Postfix and Sendmail, trusting no upstream header.\n\
Mail failing DMARC is quarantined even when the sender's domain publishes\n\
p=none; published quarantine and reject are honoured. Every decision is\n\
logged as one key=value alert line, which dmarcguard-alerts summarises.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# adduser for postinst (init-system-helpers is essential); the Public
# Suffix List is read at start (PublicSuffixList).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, publicsuffix")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "dns-root-data")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postfix | sendmail")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${pkg_dir}/conffiles ${pkg_dir}/postinst ${pkg_dir}/prerm ${pkg_dir}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# Absolute destinations (/etc, /lib/systemd/system) go into the staging
# tree, never into the build machine's own /etc.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
include(CPack)
