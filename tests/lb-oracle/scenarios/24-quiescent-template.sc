# Persistence and a quiesced server: the template keeps the client on it
# (expire_quiescent_template=0), or is dropped at the next connection
# (expire_quiescent_template=1); and -Z zeroes the counters
adm -C
adm -A -t $VIP:$PORT -s rr -p 300
adm -a -t $VIP:$PORT -r $BE1:80 -m
adm -a -t $VIP:$PORT -r $BE2:80 -m
get 2 10.10.0.21,10.10.0.22
adm -e -t $VIP:$PORT -r $BE2:80 -m -w 0
adm -e -t $VIP:$PORT -r $BE1:80 -m -w 0
get 1 10.10.0.21,10.10.0.22
sysctl net.ipv4.vs.expire_quiescent_template=1
adm -e -t $VIP:$PORT -r $BE1:80 -m -w 1
get 1 10.10.0.21,10.10.0.22
sysctl net.ipv4.vs.expire_quiescent_template=0
check Ln stats Lnc S persistent
adm -Z
check stats
