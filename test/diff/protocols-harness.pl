#!/usr/bin/perl
# Run one of the real ldirectord's check_* subs against one server and print
# "up" or "down": loads /usr/sbin/ldirectord without its main code, with
# service_set stubbed. Usage: protocols-harness.pl KEY=VALUE... (service, server,
# port, request, receive, login, passwd, database, secret, protocol, timeout,
# httpmethod).
use strict;
use warnings;
no warnings qw(redefine once);

my %a = map { split /=/, $_, 2 } @ARGV;
@ARGV = ();
$ENV{PERLIO} = 'perlio';    # else ldirectord re-execs itself

open my $fh, '<', '/usr/sbin/ldirectord' or die "ldirectord: $!";
my $src = do { local $/; <$fh> };
close $fh;
# Cut the main program (ld_init .. ld_exit) and the ipvsadm requirement.
$src =~ s/^\$DAEMON_STATUS = \$DAEMON_STATUS_STARTING;\nld_init\(\);.*?^&ld_exit\(0, "Reached end of \\"main\\""\);\n//ms
    or die "could not find ldirectord's main code";
$src =~ s/die "Can not find ipvsadm";/1;/;
$src =~ s/^__END__.*//ms;
{
    package main;
    eval "no strict; no warnings; $src; 1" or die "loading ldirectord: $@";
}

*main::service_set = sub {
    my ($v, $r, $state) = @_;
    print STDOUT "RESULT $state\n";
};
*main::ld_log = sub { print STDERR "ld_log: @_\n" };
*main::ld_debug = sub { my ($l, $m) = @_; print STDERR "ld_debug($l): $m\n" if ($ENV{LD_DEBUG} // 0) >= $l };
$main::DEBUG = 0;

my $t = $a{timeout} // 3;
my $v = {
    service => $a{service}, protocol => $a{protocol} // 'tcp', login => $a{login} // '',
    passwd => $a{passwd} // '', database => $a{database} // '', secret => $a{secret} // '',
    checkport => $a{port}, negotiatetimeout => $t, checktimeout => $t, server => $a{server},
};
my $r = {
    server => $a{server}, port => $a{port}, request => $a{request} // '/',
    receive => $a{receive} // '',
};
my $s = $a{service};
my %dispatch = (
    pop => sub { main::check_pop($v, $r, 0) }, pops => sub { main::check_pop($v, $r, 1) },
    imap => sub { main::check_imap($v, $r) }, imaps => sub { main::check_imaps($v, $r) },
    smtp => sub { main::check_smtp($v, $r) }, submission => sub { main::check_smtp($v, $r) },
    ftp => sub { main::check_ftp($v, $r) }, ldap => sub { main::check_ldap($v, $r) },
    ldaps => sub { main::check_ldap($v, $r) }, nntp => sub { main::check_nntp($v, $r) },
    dns => sub { main::check_dns($v, $r) }, sip => sub { main::check_sip($v, $r) },
    radius => sub { main::check_radius($v, $r) }, mysql => sub { main::check_mysql($v, $r) },
    pgsql => sub { main::check_pgsql($v, $r) }, oracle => sub { main::check_oracle($v, $r) },
    http => sub {
        # What ld_read_config leaves in a real for service=http: the URL and the method.
        $r->{url} = "http://$a{server}:$a{port}$r->{request}";
        $v->{httpmethod} = $a{httpmethod} // 'GET';
        main::check_http($v, $r);
    },
);
my $f = $dispatch{$s} or die "unknown service $s";
$f->();
